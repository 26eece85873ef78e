package io.strato.role.controller.blob;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The files of uploaded apps by SHA-1, for Cloud Foundry's resource matching: a client asks which of its files
 * the controller has ({@code PUT /v2/resource_match}) and leaves those out of the zip it uploads. Each user has a
 * cache of its own (blobs named {@code resources/<user guid>/<sha1>}): a user gets back only bytes it uploaded
 * itself, so knowing a file's hash never gives another tenant's file. The cache is in the blob store, so a file
 * uploaded through one controller is matched by every other. As in Cloud Foundry, only files of at least
 * {@value #MIN_SIZE} bytes are kept and matched: smaller ones cost less to send than to look up.
 */
public final class ResourceCache {

    public static final long MIN_SIZE = 64 * 1024;
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern GUID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final BlobStore store;

    public ResourceCache(BlobStore store) {
        this.store = store;
    }

    /** Whether the user's cache has a file of this hash and size. */
    public boolean has(String userGuid, String sha1, long size) {
        return size >= MIN_SIZE && find(userGuid, sha1).map(b -> b.size() == size).orElse(false);
    }

    public Optional<BlobStore.Blob> find(String userGuid, String sha1) {
        if (sha1 == null || !SHA1.matcher(sha1).matches() || userGuid == null || !GUID.matcher(userGuid).matches()) {
            return Optional.empty();
        }
        return store.find(name(userGuid, sha1));
    }

    /**
     * Keeps a file the user uploaded, unless it is small or kept already. The content is hashed as it is stored,
     * and kept under the hash it really has.
     */
    public void keep(String userGuid, long size, InputStream content) throws IOException {
        if (size < MIN_SIZE || userGuid == null || !GUID.matcher(userGuid).matches()) {
            return;
        }
        store.write(content, "SHA-1", hash -> name(userGuid, hash), false, System.currentTimeMillis());
    }

    private static String name(String userGuid, String sha1) {
        return "resources/" + userGuid + "/" + sha1;
    }
}
