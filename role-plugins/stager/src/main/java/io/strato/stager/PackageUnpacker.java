package io.strato.stager;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Enumeration;
import java.util.Set;

/**
 * Unpacks an app package (zip) into an empty directory. The package comes from a developer, so every
 * entry is checked: no absolute paths, no {@code ..} out of the app, no symbolic link that can reach out
 * of it, nothing written through a link, and bounded size and entry count.
 */
final class PackageUnpacker {

    static final long MAX_BYTES = 2L * 1024 * 1024 * 1024;
    static final int MAX_ENTRIES = 200_000;

    private PackageUnpacker() {
    }

    static void unpack(Path zip, Path target) throws StagingFailure, IOException {
        Files.createDirectories(target);
        Path root = target.toRealPath();
        long total = 0;
        int count = 0;
        try (ZipFile file = ZipFile.builder().setPath(zip).get()) {
            Enumeration<ZipArchiveEntry> entries = file.getEntries();
            while (entries.hasMoreElements()) {
                ZipArchiveEntry entry = entries.nextElement();
                if (++count > MAX_ENTRIES) {
                    throw new StagingFailure("the app package has more than " + MAX_ENTRIES + " files");
                }
                Path path = resolve(root, entry.getName());
                if (path.equals(root)) {
                    continue;
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    requireInside(root, path.toRealPath(), entry.getName());
                    continue;
                }
                Path parent = path.getParent();
                Files.createDirectories(parent);
                Path realParent = parent.toRealPath();
                requireInside(root, realParent, entry.getName());
                if (entry.isUnixSymlink()) {
                    String linkTarget = file.getUnixSymlink(entry);
                    if (!linkStaysInside(root, realParent, linkTarget)) {
                        throw new StagingFailure("the app package is unsafe: link " + entry.getName()
                                + " points outside the app (" + linkTarget + ")");
                    }
                    Files.createSymbolicLink(path, Path.of(linkTarget));
                    continue;
                }
                try (InputStream in = file.getInputStream(entry);
                     OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE,
                             StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
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
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
                    perms.add(PosixFilePermission.OWNER_EXECUTE);
                    perms.add(PosixFilePermission.GROUP_EXECUTE);
                    perms.add(PosixFilePermission.OTHERS_EXECUTE);
                    Files.setPosixFilePermissions(path, perms);
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new StagingFailure("the app package is not a valid zip file: " + e.getMessage(), e);
        }
    }

    private static Path resolve(Path root, String name) throws StagingFailure {
        String clean = name.replace('\\', '/');
        if (clean.startsWith("/") || clean.matches("^[A-Za-z]:.*") || clean.indexOf('\0') >= 0) {
            throw new StagingFailure("the app package is unsafe: absolute path " + name);
        }
        Path path = root.resolve(clean).normalize();
        if (!path.startsWith(root)) {
            throw new StagingFailure("the app package is unsafe: " + name + " points outside the app");
        }
        return path;
    }

    /**
     * Whether a link in {@code realParent} to {@code target} can only reach files inside {@code root}.
     * Checking the normalized target is not enough: the kernel resolves {@code ..} after following the
     * names before it, so with {@code y -> .} the target {@code y/y/../..} climbs two levels above the
     * link. So {@code ..} is allowed only before every name (as in npm's {@code ../pkg/cli.js}), and is
     * counted from the link's real directory, which may be shallower than its path in the package. The
     * names that follow descend, and any link among them was held to this same rule.
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

    /** Catches writes through a link unpacked earlier. */
    private static void requireInside(Path root, Path real, String name) throws StagingFailure {
        if (!real.startsWith(root)) {
            throw new StagingFailure("the app package is unsafe: " + name + " goes through a link outside the app");
        }
    }
}
