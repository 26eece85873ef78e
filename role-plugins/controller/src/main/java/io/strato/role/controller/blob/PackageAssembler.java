package io.strato.role.controller.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Completes an upload that left out files the controller has ({@code resources} of {@code PUT .../bits}): the
 * uploaded entries are copied as they are (modes and links kept), and each matched file is added from the
 * uploader's {@link ResourceCache} with the mode the client gave.
 */
public final class PackageAssembler {

    private static final int REGULAR_FILE = 0100000;

    /** A file the client did not send: its path in the app, SHA-1 and permission bits. */
    public record Matched(String path, String sha1, int mode) {
    }

    private final ResourceCache cache;
    private final UploadLimits limits;

    public PackageAssembler(ResourceCache cache, UploadLimits limits) {
        this.cache = cache;
        this.limits = limits;
    }

    /**
     * Writes {@code uploaded} plus the matched files to {@code target}.
     *
     * @throws InvalidUploadException when a matched file is not in the user's cache, the upload is no zip, or the
     *                                 matched files are more or larger than an upload may inflate to: checked before
     *                                 they are written, since a short list may name one large file many times
     */
    public void assemble(Path uploaded, List<Matched> matched, String userGuid, Path target)
            throws IOException, InvalidUploadException {
        if (matched.size() > limits.maxEntries()) {
            throw new InvalidUploadException("more than " + limits.maxEntries() + " resources");
        }
        long total = 0;
        for (Matched m : matched) {
            total += cache.find(userGuid, m.sha1()).map(BlobStore.Blob::size).orElse(0L);
            if (total > limits.maxUncompressedBytes()) {
                throw new InvalidUploadException("the resources add up to more than "
                        + limits.maxUncompressedBytes() / (1024 * 1024) + " MB");
            }
        }
        Set<String> names = new HashSet<>();
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(target.toFile())) {
            if (Files.size(uploaded) > 0) {
                try (ZipFile zip = open(uploaded)) {
                    for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                        if (names.add(entry.getName())) {
                            out.addRawArchiveEntry(entry, zip.getRawInputStream(entry));
                        }
                    }
                }
            }
            for (Matched m : matched) {
                if (!names.add(m.path())) {
                    continue; // the uploaded file wins over a cached one of the same path
                }
                BlobStore.Blob cached = cache.find(userGuid, m.sha1()).orElseThrow(() -> new InvalidUploadException(
                        "resource " + m.path() + " (" + m.sha1() + ") is not in the resource cache: upload it"));
                ZipArchiveEntry entry = new ZipArchiveEntry(m.path());
                entry.setUnixMode(REGULAR_FILE | (m.mode() & 07777));
                entry.setSize(cached.size());
                out.putArchiveEntry(entry);
                try (InputStream in = cached.open()) {
                    in.transferTo(out);
                }
                out.closeArchiveEntry();
            }
        }
    }

    /** Keeps the package's larger files in the uploader's cache, so its next push can leave them out. */
    public void keepResources(Path pkg, String userGuid) throws IOException {
        try (ZipFile zip = open(pkg)) {
            for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                if (!entry.isDirectory() && !entry.isUnixSymlink() && entry.getSize() >= ResourceCache.MIN_SIZE
                        && !cache.has(userGuid, sha1(zip, entry), entry.getSize())) {
                    // hashing the local zip costs less than writing a file the cache has to the database again
                    try (InputStream in = zip.getInputStream(entry)) {
                        cache.keep(userGuid, entry.getSize(), in);
                    }
                }
            }
        }
    }

    private static String sha1(ZipFile zip, ZipArchiveEntry entry) throws IOException {
        java.security.MessageDigest sha1 = BlobStore.digest("SHA-1");
        try (InputStream in = new java.security.DigestInputStream(zip.getInputStream(entry), sha1)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return java.util.HexFormat.of().formatHex(sha1.digest());
    }

    private static ZipFile open(Path zip) throws IOException {
        return ZipFile.builder().setPath(zip).get();
    }
}
