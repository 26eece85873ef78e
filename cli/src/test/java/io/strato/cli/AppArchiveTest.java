package io.strato.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AppArchiveTest {

    @TempDir
    Path dir;

    static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    /** File entries of a zip, name to content. */
    static Map<String, String> unzip(byte[] zip) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                String name = entry.getName();
                assertFalse(name.startsWith("/"), name);
                assertFalse(name.contains("\\"), name);
                assertFalse(name.equals("..") || name.startsWith("../") || name.contains("/../"), name);
                if (!entry.isDirectory()) {
                    files.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return files;
    }

    private byte[] zip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AppArchive.of(dir).writeTo(out);
        return out.toByteArray();
    }

    @Test
    void zipsTheDirectoryWithRelativeNames() throws IOException {
        write(dir.resolve("server.js"), "console.log('hi')");
        write(dir.resolve("lib/util/strings.js"), "module.exports = {}");
        write(dir.resolve("public/index.html"), "<h1>hi</h1>");
        assertEquals(Map.of("server.js", "console.log('hi')",
                        "lib/util/strings.js", "module.exports = {}",
                        "public/index.html", "<h1>hi</h1>"),
                unzip(zip()));
    }

    @Test
    void executableFilesStayExecutable() throws IOException {
        write(dir.resolve("run.sh"), "#!/bin/sh\n");
        write(dir.resolve("data.txt"), "x");
        dir.resolve("run.sh").toFile().setExecutable(true, false);
        Map<String, Integer> modes = new java.util.HashMap<>();
        // the modes live in the central directory, which the stager reads
        try (org.apache.commons.compress.archivers.zip.ZipFile in = org.apache.commons.compress.archivers.zip.ZipFile.builder()
                .setSeekableByteChannel(new org.apache.commons.compress.utils.SeekableInMemoryByteChannel(zip())).get()) {
            in.getEntries().asIterator().forEachRemaining(e -> modes.put(e.getName(), e.getUnixMode() & 0777));
        }
        assertEquals(Map.of("run.sh", 0755, "data.txt", 0644), modes);
    }

    @Test
    void skipsGitAndHonoursIgnoreFiles() throws IOException {
        write(dir.resolve("app.py"), "print(1)");
        write(dir.resolve(".git/config"), "[core]");
        write(dir.resolve("sub/.git/HEAD"), "ref");
        write(dir.resolve("debug.log"), "x");
        write(dir.resolve("node_modules/a/index.js"), "x");
        write(dir.resolve("build/out.bin"), "x");
        write(dir.resolve("keep/build/kept.txt"), "kept");
        write(dir.resolve(".stackatoignore"), "*.log\nnode_modules/\n");
        write(dir.resolve(".cfignore"), "/build\n");

        Map<String, String> files = unzip(zip());

        assertEquals(java.util.Set.of("app.py", ".stackatoignore", ".cfignore", "keep/build/kept.txt"), files.keySet());
        assertEquals(files.keySet().stream().sorted().toList(), AppArchive.of(dir).files().stream().sorted().toList());
    }

    @Test
    void symlinkLeavingTheAppIsNotSent(@TempDir Path outside) throws IOException {
        write(outside.resolve("secret.txt"), "private");
        write(dir.resolve("inside.txt"), "ok");
        try {
            Files.createSymbolicLink(dir.resolve("escape.txt"), outside.resolve("secret.txt"));
            Files.createSymbolicLink(dir.resolve("alias.txt"), dir.resolve("inside.txt"));
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "symbolic links not supported here");
        }
        Map<String, String> files = unzip(zip());
        assertFalse(files.containsKey("escape.txt"));
        assertFalse(files.containsValue("private"));
        assertEquals("ok", files.get("alias.txt"));
        assertTrue(files.containsKey("inside.txt"));
    }
}
