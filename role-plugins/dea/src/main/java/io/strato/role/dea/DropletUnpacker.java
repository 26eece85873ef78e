package io.strato.role.dea;

import io.strato.api.files.UnpackTarget;
import io.strato.api.files.UnsafeEntryException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks a droplet (tar.gz) into an instance's app directory through {@link UnpackTarget}, which refuses
 * entries that would land outside it and links that could reach out of it.
 */
final class DropletUnpacker {

    private DropletUnpacker() {
    }

    static void unpack(Path droplet, Path target) throws IOException {
        UnpackTarget app = UnpackTarget.in(target);
        try (InputStream file = Files.newInputStream(droplet);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new BufferedInputStream(file)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                if (entry.isDirectory()) {
                    app.directory(name);
                } else if (entry.isSymbolicLink()) {
                    app.symbolicLink(name, entry.getLinkName());
                } else if (entry.isLink()) {
                    app.hardLink(name, entry.getLinkName());
                } else if (entry.isFile()) {
                    try (OutputStream out = app.newFile(name)) {
                        tar.transferTo(out);
                    }
                    Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
                    if ((entry.getMode() & 0100) != 0) {
                        perms.addAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                                PosixFilePermission.OTHERS_EXECUTE));
                    }
                    Files.setPosixFilePermissions(app.resolve(name), perms);
                }
            }
        } catch (UnsafeEntryException e) {
            throw new IOException("the droplet is unsafe: " + e.getMessage(), e);
        }
    }
}
