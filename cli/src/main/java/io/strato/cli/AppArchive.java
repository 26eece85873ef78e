package io.strato.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Zips an app directory for upload. Entry names are relative, use {@code /}, and never contain
 * {@code ..} or a leading {@code /}, so the controller can unpack them safely. {@code .git} is never
 * sent, the ignore files' patterns are honoured, and symbolic links are followed only when they stay
 * inside the app directory. Files keep their executable bit (the entry's Unix mode), as staging and the
 * start command expect.
 */
public final class AppArchive {

    private static final String GIT = ".git";

    private final Path root;
    private final IgnoreRules rules;

    public AppArchive(Path root, IgnoreRules rules) {
        this.root = root.toAbsolutePath().normalize();
        this.rules = rules;
    }

    public static AppArchive of(Path dir) {
        return new AppArchive(dir, IgnoreRules.load(dir));
    }

    /** The relative paths of the files that would be sent, in walk order. */
    public List<String> files() throws IOException {
        List<String> files = new ArrayList<>();
        walk(new Visitor() {
            @Override
            public void directory(String name, Path dir) {
            }

            @Override
            public void file(String name, Path file) {
                files.add(name);
            }
        });
        return files;
    }

    public void writeTo(OutputStream target) throws IOException {
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(target)) {
            walk(new Visitor() {
                @Override
                public void directory(String name, Path dir) throws IOException {
                    ZipArchiveEntry entry = new ZipArchiveEntry(name + "/");
                    entry.setUnixMode(040755);
                    zip.putArchiveEntry(entry);
                    zip.closeArchiveEntry();
                }

                @Override
                public void file(String name, Path file) throws IOException {
                    ZipArchiveEntry entry = new ZipArchiveEntry(name);
                    FileTime modified = Files.getLastModifiedTime(file);
                    entry.setLastModifiedTime(modified);
                    entry.setUnixMode(executable(file) ? 0100755 : 0100644);
                    zip.putArchiveEntry(entry);
                    Files.copy(file, zip);
                    zip.closeArchiveEntry();
                }
            });
        }
    }

    private static boolean executable(Path file) {
        try {
            return Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (IOException | UnsupportedOperationException e) {
            return Files.isExecutable(file);
        }
    }

    /** Writes the zip to a temporary file the caller deletes. */
    public Path writeToTempFile() throws IOException {
        Path zip = Files.createTempFile("strato-push", ".zip");
        try (OutputStream out = Files.newOutputStream(zip)) {
            writeTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(zip);
            throw e;
        }
        return zip;
    }

    private interface Visitor {
        void directory(String name, Path dir) throws IOException;

        void file(String name, Path file) throws IOException;
    }

    private void walk(Visitor visitor) throws IOException {
        Path realRoot = root.toRealPath();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                String name = entryName(dir);
                if (dir.getFileName().toString().equals(GIT) || rules.ignored(name, true)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                visitor.directory(name, dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = entryName(file);
                if (rules.ignored(name, false)) {
                    return FileVisitResult.CONTINUE;
                }
                if (attrs.isSymbolicLink() && !linkStaysInside(file, realRoot)) {
                    return FileVisitResult.CONTINUE;
                }
                if (Files.isRegularFile(file)) {
                    visitor.file(name, file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static boolean linkStaysInside(Path link, Path realRoot) {
        try {
            return link.toRealPath().startsWith(realRoot);
        } catch (IOException e) {
            return false;
        }
    }

    private String entryName(Path path) {
        Path relative = root.relativize(path);
        List<String> parts = new ArrayList<>();
        for (Path part : relative) {
            String segment = part.toString();
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalStateException("Refusing unsafe archive path " + relative);
            }
            parts.add(segment);
        }
        return String.join("/", parts);
    }
}
