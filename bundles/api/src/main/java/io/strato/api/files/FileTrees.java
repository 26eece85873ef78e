package io.strato.api.files;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.util.ArrayList;
import java.util.List;

/** Trees of files an app or a server wrote, and so may have planted links in. */
public final class FileTrees {

    private FileTrees() {
    }

    /**
     * Deletes {@code path} with everything in it, never following a symbolic link: a link (to {@code /}, say)
     * is removed, not what it points to, and so is {@code path} itself when it is a link. Each directory is
     * opened relative to its parent without following links ({@link SecureDirectoryStream}), so a link swapped
     * in while the tree is deleted is not followed either. Nothing happens when {@code path} does not exist.
     */
    public static void delete(Path path) throws IOException {
        Path absolute = path.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent == null) {
            throw new IOException("refusing to delete the root directory");
        }
        if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(parent)) {
            if (!(stream instanceof SecureDirectoryStream<Path> secure)) {
                throw new IOException("cannot delete " + path + " safely: this file system cannot open a directory "
                        + "without following links");
            }
            delete(secure, absolute.getFileName());
        }
    }

    private static void delete(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        boolean directory;
        try {
            directory = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes().isDirectory();
        } catch (NoSuchFileException gone) {
            return;
        }
        if (!directory) {
            dir.deleteFile(name);
            return;
        }
        try (SecureDirectoryStream<Path> children = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
            List<Path> names = new ArrayList<>();
            for (Path child : children) {
                names.add(child.getFileName());
            }
            for (Path child : names) {
                delete(children, child);
            }
        }
        dir.deleteDirectory(name);
    }
}
