package io.strato.api.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile archive entries: each one is refused, and nothing lands outside the app. */
class UnpackTargetTest {

    @TempDir
    Path dir;
    private Path outside;
    private Path root;
    private UnpackTarget app;

    @BeforeEach
    void setUp() throws IOException {
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("data"), "keep me");
        app = UnpackTarget.in(dir.resolve("a/app"));
        root = dir.resolve("a/app").toRealPath();
    }

    @Test
    void namesThatClimbOutAreRefused() {
        assertRefused("../outside/x points outside the app", () -> write("../outside/x", "bad"));
        assertRefused("a/../../../outside/x points outside the app", () -> write("a/../../../outside/x", "bad"));
        assertRefused("../escaped points outside the app", () -> app.directory("../escaped"));
        assertNothingOutside();
    }

    @Test
    void absoluteNamesAreRefused() {
        assertRefused("absolute path " + outside.resolve("x"), () -> write(outside.resolve("x").toString(), "bad"));
        assertRefused("absolute path /etc/passwd", () -> app.directory("/etc/passwd"));
        assertRefused("absolute path C:\\Windows\\x", () -> write("C:\\Windows\\x", "bad"));
        assertRefused("absolute path \\x", () -> write("\\x", "bad"));
        assertRefused("an entry name holds a NUL character", () -> write("x\0y", "bad"));
        assertNothingOutside();
    }

    @Test
    void linksThatPointOutsideAreRefused() {
        assertRefused("link abs points outside the app", () -> app.symbolicLink("abs", outside.toString()));
        assertRefused("link up points outside the app", () -> app.symbolicLink("up", "../../outside"));
        assertRefused("link sub/up points outside the app", () -> app.symbolicLink("sub/up", "../../../outside/data"));
        assertRefused("link root points outside the app", () -> app.symbolicLink("root", "/"));
        assertFalse(Files.exists(root.resolve("abs"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void nothingIsWrittenOrCreatedThroughALinkThatLeadsOutside() throws IOException {
        // a link that got there some other way (an earlier unpack, a planted link): entries through it are refused
        Files.createSymbolicLink(root.resolve("out"), outside);
        assertRefused("out/x goes through a link outside the app", () -> write("out/x", "bad"));
        assertRefused("out/data goes through a link outside the app", () -> write("out/data", "bad"));
        assertRefused("out/new/x goes through a link outside the app", () -> write("out/new/x", "bad"));
        assertRefused("out/sub goes through a link outside the app", () -> app.directory("out/sub"));
        assertRefused("out overwrites a link", () -> write("out", "bad"));
        assertNothingOutside();
    }

    @Test
    void aChainOfLinksThatClimbsOutIsRefused() throws IOException {
        // y -> . makes y/y/y/../../.. three levels above the app, though it normalizes to the app itself
        app.symbolicLink("y", ".");
        assertRefused("link x points outside the app", () -> app.symbolicLink("x", "y/y/y/../../../outside"));
        // p -> . puts p/q/ one level higher than its name says, so ../../ from there leaves the app
        app.symbolicLink("p", ".");
        app.directory("p/q/");
        assertRefused("link p/q/x points outside the app", () -> app.symbolicLink("p/q/x", "../../outside"));
        app.symbolicLink("l1", "l2");
        assertRefused("link l2 points outside the app", () -> app.symbolicLink("l2", "sub/../../outside"));
        assertNothingOutside();
    }

    @Test
    void hardLinksMayOnlyReachFilesOfTheApp() throws IOException {
        assertRefused("hard link passwd points outside the app", () -> app.hardLink("passwd", "/etc/passwd"));
        assertRefused("hard link data points outside the app", () -> app.hardLink("data", "../../outside/data"));
        Files.createSymbolicLink(root.resolve("out"), outside);
        assertRefused("hard link data points outside the app", () -> app.hardLink("data", "out/data"));
        assertFalse(Files.exists(root.resolve("passwd"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(root.resolve("data"), LinkOption.NOFOLLOW_LINKS));

        write("bin/tool", "x");
        app.hardLink("bin/same-tool", "bin/tool");
        assertEquals("x", Files.readString(root.resolve("bin/same-tool")));
    }

    @Test
    void whatAppsReallyCarryIsUnpacked() throws IOException {
        app.directory("./");
        app.directory("node_modules/tool/");
        write("node_modules/tool/cli.js", "x");
        app.symbolicLink("node_modules/.bin/tool", "../tool/cli.js");
        app.symbolicLink("current", "./node_modules");
        assertEquals("x", Files.readString(root.resolve("node_modules/.bin/tool")));
        assertEquals("x", Files.readString(root.resolve("current/tool/cli.js")));
    }

    private void write(String name, String content) throws IOException {
        try (OutputStream out = app.newFile(name)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    private interface Entry {
        void unpack() throws IOException;
    }

    private static void assertRefused(String message, Entry entry) {
        UnsafeEntryException e = assertThrows(UnsafeEntryException.class, entry::unpack);
        assertEquals(message, e.getMessage());
    }

    private void assertNothingOutside() {
        try (Stream<Path> files = Files.list(outside)) {
            assertEquals(1, files.count(), "only the file that was there");
            assertEquals("keep me", Files.readString(outside.resolve("data")));
            assertTrue(Files.notExists(dir.resolve("escaped")) && Files.notExists(dir.resolve("a/escaped")));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
