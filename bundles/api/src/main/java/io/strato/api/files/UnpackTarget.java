package io.strato.api.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The directory an app (a package from a developer, a droplet) is unpacked into, and the only way entries get
 * there. The archive is not trusted, so every entry is checked here, in one place for every unpacker: no
 * absolute name, no {@code ..} out of the app, nothing created or written through a link, no symbolic link
 * that can reach out of the app, no hard link to a file outside it. A refused entry is an
 * {@link UnsafeEntryException} that names it.
 */
public final class UnpackTarget {

    private final Path root;

    private UnpackTarget(Path root) {
        this.root = root;
    }

    /** Unpacks into {@code dir}, created when missing. */
    public static UnpackTarget in(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new UnpackTarget(dir.toRealPath());
    }

    /**
     * Where the entry {@code name} lands (the directory itself for {@code ./}): refused when absolute (also
     * {@code C:} and {@code \}), when it holds a NUL, or when it climbs out with {@code ..}.
     */
    public Path resolve(String name) throws UnsafeEntryException {
        String clean = name.replace('\\', '/');
        if (clean.indexOf('\0') >= 0) {
            throw new UnsafeEntryException("an entry name holds a NUL character");
        }
        if (clean.startsWith("/") || clean.matches("^[A-Za-z]:.*")) {
            throw new UnsafeEntryException("absolute path " + name);
        }
        Path path = root.resolve(clean).normalize();
        if (!path.startsWith(root)) {
            throw new UnsafeEntryException(name + " points outside the app");
        }
        return path;
    }

    /** Creates the directory {@code name} with its parents; refused when it would be (or be reached through) a link outside. */
    public void directory(String name) throws IOException {
        createInside(resolve(name), name);
    }

    /**
     * Opens the file {@code name} for writing, created or emptied, its parents created. Refused when its
     * directory is reached through a link out of the app or when the name is an existing link (nothing is
     * written through a link).
     */
    public OutputStream newFile(String name) throws IOException {
        Path path = entryInDirectory(name);
        return Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Creates the symbolic link {@code name} to {@code target}. Refused when the target is absolute or could
     * reach out of the app. Checking the normalized target is not enough: the kernel resolves {@code ..} after
     * following the names before it, so with {@code y -> .} the target {@code y/y/../..} climbs two levels above
     * the link. So {@code ..} is allowed only before every name (as in npm's {@code ../pkg/cli.js}) and is
     * counted from the link's real directory, which may be shallower than its path in the archive; the names
     * that follow descend, and any link among them was held to this same rule.
     */
    public void symbolicLink(String name, String target) throws IOException {
        Path path = entryInDirectory(name);
        if (!linkStaysInside(path.getParent().toRealPath(), target)) {
            throw new UnsafeEntryException("link " + name + " points outside the app");
        }
        Files.createSymbolicLink(path, Path.of(target));
    }

    /**
     * Creates the hard link {@code name} to the entry {@code target} (a name in the archive, as tar writes
     * them), which must be a regular file inside the app.
     */
    public void hardLink(String name, String target) throws IOException {
        Path path = entryInDirectory(name);
        Path existing;
        try {
            existing = resolve(target).toRealPath();
        } catch (UnsafeEntryException | NoSuchFileException e) {
            throw new UnsafeEntryException("hard link " + name + " points outside the app");
        }
        if (!existing.startsWith(root) || !Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)) {
            throw new UnsafeEntryException("hard link " + name + " points outside the app");
        }
        Files.createLink(path, existing);
    }

    /** The path of a new non-directory entry: its directory created and inside, the name not an existing link. */
    private Path entryInDirectory(String name) throws IOException {
        Path path = resolve(name);
        if (path.equals(root)) {
            throw new UnsafeEntryException(name + " is the app directory itself");
        }
        createInside(path.getParent(), name);
        if (Files.isSymbolicLink(path)) {
            throw new UnsafeEntryException(name + " overwrites a link");
        }
        return path;
    }

    private boolean linkStaysInside(Path realParent, String target) {
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

    /**
     * Creates {@code dir} one level at a time from the root, so that nothing is created before every link on
     * the way has been seen to stay inside.
     */
    private void createInside(Path dir, String name) throws IOException {
        Path current = root;
        for (Path part : root.relativize(dir)) {
            current = current.resolve(part);
            if (Files.isSymbolicLink(current)) {
                if (!current.toRealPath().startsWith(root)) {
                    throw new UnsafeEntryException(name + " goes through a link outside the app");
                }
            } else if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(current);
            }
        }
    }
}
