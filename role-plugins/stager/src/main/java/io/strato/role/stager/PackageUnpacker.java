package io.strato.role.stager;

import io.strato.api.files.UnpackTarget;
import io.strato.api.files.UnsafeEntryException;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Enumeration;
import java.util.Set;

/**
 * Unpacks an app package (zip) into an empty directory. The package comes from a developer, so every
 * entry goes through {@link UnpackTarget} (no absolute paths, no {@code ..} out of the app, no symbolic link
 * that can reach out of it, nothing written through a link), and size and entry count are bounded.
 */
final class PackageUnpacker {

    static final long MAX_BYTES = 2L * 1024 * 1024 * 1024;
    static final int MAX_ENTRIES = 200_000;

    private PackageUnpacker() {
    }

    static void unpack(Path zip, Path target) throws StagingFailure, IOException {
        UnpackTarget app = UnpackTarget.in(target);
        long total = 0;
        int count = 0;
        try (ZipFile file = ZipFile.builder().setPath(zip).get()) {
            Enumeration<ZipArchiveEntry> entries = file.getEntries();
            while (entries.hasMoreElements()) {
                ZipArchiveEntry entry = entries.nextElement();
                if (++count > MAX_ENTRIES) {
                    throw new StagingFailure("the app package has more than " + MAX_ENTRIES + " files");
                }
                String name = entry.getName();
                if (entry.isDirectory()) {
                    app.directory(name);
                    continue;
                }
                if (entry.isUnixSymlink()) {
                    app.symbolicLink(name, file.getUnixSymlink(entry));
                    continue;
                }
                try (InputStream in = file.getInputStream(entry); OutputStream out = app.newFile(name)) {
                    byte[] buffer = new byte[64 * 1024];
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        total += n;
                        if (total > MAX_BYTES) {
                            throw new StagingFailure("the app package unpacks to more than "
                                    + MAX_BYTES / (1024 * 1024) + " MB");
                        }
                        out.write(buffer, 0, n);
                    }
                }
                if ((entry.getUnixMode() & 0100) != 0) {
                    Path path = app.resolve(name);
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
                    perms.add(PosixFilePermission.OWNER_EXECUTE);
                    perms.add(PosixFilePermission.GROUP_EXECUTE);
                    perms.add(PosixFilePermission.OTHERS_EXECUTE);
                    Files.setPosixFilePermissions(path, perms);
                }
            }
        } catch (UnsafeEntryException e) {
            throw new StagingFailure("the app package is unsafe: " + e.getMessage(), e);
        } catch (java.util.zip.ZipException e) {
            throw new StagingFailure("the app package is not a valid zip file: " + e.getMessage(), e);
        }
    }
}
