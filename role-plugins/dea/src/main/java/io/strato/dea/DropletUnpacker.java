package io.strato.dea;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks a droplet (tar.gz) into an instance's app directory, refusing entries that would land outside it
 * and links that could reach out of it.
 */
final class DropletUnpacker {

    private DropletUnpacker() {
    }

    static void unpack(Path droplet, Path target) throws IOException {
        Files.createDirectories(target);
        Path root = target.toRealPath();
        try (InputStream file = Files.newInputStream(droplet);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new BufferedInputStream(file)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = root.resolve(entry.getName()).normalize();
                if (entry.getName().startsWith("/") || !path.startsWith(root)) {
                    throw new IOException("the droplet is unsafe: " + entry.getName() + " points outside the app");
                }
                if (path.equals(root)) {
                    continue;
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    continue;
                }
                Files.createDirectories(path.getParent());
                Path realParent = path.getParent().toRealPath();
                if (!realParent.startsWith(root)) {
                    throw new IOException("the droplet is unsafe: " + entry.getName() + " goes through a link");
                }
                if (entry.isSymbolicLink()) {
                    if (!linkStaysInside(root, realParent, entry.getLinkName())) {
                        throw new IOException("the droplet is unsafe: link " + entry.getName() + " points outside the app");
                    }
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isFile()) {
                    if (Files.isSymbolicLink(path)) {
                        throw new IOException("the droplet is unsafe: " + entry.getName() + " overwrites a link");
                    }
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
                    if ((entry.getMode() & 0100) != 0) {
                        perms.addAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                                PosixFilePermission.OTHERS_EXECUTE));
                    }
                    Files.setPosixFilePermissions(path, perms);
                }
            }
        }
    }

    /**
     * Whether a link in {@code realParent} to {@code target} can only reach files inside {@code root}.
     * Checking the normalized target is not enough: the kernel resolves {@code ..} after following the
     * names before it, so with {@code y -> .} the target {@code y/y/../..} climbs two levels above the
     * link. So {@code ..} is allowed only before every name (as in npm's {@code ../pkg/cli.js}, which
     * droplets carry), and is counted from the link's real directory, which may be shallower than its
     * path in the droplet. The names that follow descend, and any link among them was held to this rule.
     */
    static boolean linkStaysInside(Path root, Path realParent, String target) {
        if (target.isEmpty() || target.startsWith("/") || target.indexOf('\0') >= 0) {
            return false;
        }
        boolean named = false;
        for (String segment : target.split("/")) {
            if (segment.equals("..")) {
                if (named) {
                    return false;
                }
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                named = true;
            }
        }
        return realParent.resolve(target).normalize().startsWith(root);
    }
}
