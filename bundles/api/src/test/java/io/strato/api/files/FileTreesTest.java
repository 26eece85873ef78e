package io.strato.api.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

    @TempDir
    Path dir;

    @Test
    void deletesATreeButNotWhatItsLinksPointTo() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside/precious"));
        Files.writeString(outside.resolve("data"), "keep me");
        Path tree = Files.createDirectories(dir.resolve("app/deep/er"));
        Files.writeString(tree.resolve("file"), "x");
        Files.createSymbolicLink(dir.resolve("app/to-outside"), dir.resolve("outside"));
        Files.createSymbolicLink(dir.resolve("app/deep/to-file"), outside.resolve("data"));
        Files.createSymbolicLink(dir.resolve("app/deep/to-root"), Path.of("/"));

        FileTrees.delete(dir.resolve("app"));

        assertFalse(Files.exists(dir.resolve("app")));
        assertTrue(Files.isDirectory(outside));
        assertEquals("keep me", Files.readString(outside.resolve("data")));
    }

    @Test
    void aTreeThatIsItselfALinkLosesTheLinkOnly() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("data"), "keep me");
        Files.createSymbolicLink(dir.resolve("app"), outside);

        FileTrees.delete(dir.resolve("app"));

        assertFalse(Files.exists(dir.resolve("app"), LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(outside.resolve("data")));
    }

    @Test
    void nothingHappensForATreeThatIsNotThere() throws IOException {
        FileTrees.delete(dir.resolve("missing"));
        assertTrue(Files.isDirectory(dir));
    }

    @Test
    void aSingleFileIsDeleted() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        FileTrees.delete(file);
        assertFalse(Files.exists(file));
    }
}
