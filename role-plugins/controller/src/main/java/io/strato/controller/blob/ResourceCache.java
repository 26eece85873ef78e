package io.strato.controller.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The files of uploaded apps by SHA-1, for Cloud Foundry's resource matching: a client asks which of its files
 * the controller has ({@code PUT /v2/resource_match}) and leaves those out of the zip it uploads. Each user has a
 * cache of its own ({@code resources/<user guid>/<sha1>}): a user gets back only bytes it uploaded itself, so
 * knowing a file's hash never gives another tenant's file. As in Cloud Foundry, only files of at least
 * {@value #MIN_SIZE} bytes are kept and matched: smaller ones cost less to send than to look up.
 */
public final class ResourceCache {

    public static final long MIN_SIZE = 64 * 1024;
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern GUID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final Path root;
    private final Path tmp;

    public ResourceCache(Path root, Path tmp) {
        this.root = root;
        this.tmp = tmp;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the resource cache under " + root, e);
        }
    }

    /** Whether the user's cache has a file of this hash and size. */
    public boolean has(String userGuid, String sha1, long size) {
        return size >= MIN_SIZE && file(userGuid, sha1).map(p -> sizeOf(p) == size).orElse(false);
    }

    public Optional<Path> find(String userGuid, String sha1) {
        return file(userGuid, sha1).filter(Files::isRegularFile);
    }

    /**
     * Keeps a file the user uploaded, unless it is small or kept already. The content is hashed as it is copied,
     * and kept under the hash it really has.
     */
    public void keep(String userGuid, long size, InputStream content) throws IOException {
        if (size < MIN_SIZE || !GUID.matcher(userGuid).matches()) {
            return;
        }
        Path temp = Files.createTempFile(tmp, "resource-", ".part");
        try {
            MessageDigest sha = sha1();
            try (InputStream in = new java.security.DigestInputStream(content, sha)) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            String hash = HexFormat.of().formatHex(sha.digest());
            Path target = root.resolve(userGuid).resolve(hash.substring(0, 2)).resolve(hash);
            if (!Files.isRegularFile(target)) {
                Files.createDirectories(target.getParent());
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private Optional<Path> file(String userGuid, String sha1) {
        if (sha1 == null || !SHA1.matcher(sha1).matches() || userGuid == null || !GUID.matcher(userGuid).matches()) {
            return Optional.empty();
        }
        return Optional.of(root.resolve(userGuid).resolve(sha1.substring(0, 2)).resolve(sha1));
    }

    private static long sizeOf(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.size(p) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is unavailable", e);
        }
    }
}
