package io.strato.role.dea;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DropletUnpackerTest {

    @TempDir
    Path dir;

    @Test
    void aLinkClimbingThroughALinkToItsOwnDirectoryIsRefused() throws IOException {
        // y -> . makes y/y/y/../../.. three levels above the app, though it normalizes to the app itself
        Path droplet = droplet(tar -> {
            link(tar, "y", ".");
            link(tar, "x", "y/y/y/../../../escaped");
        });
        IOException e = assertThrows(IOException.class, () -> DropletUnpacker.unpack(droplet, dir.resolve("a/b/app")));
        assertEquals("the droplet is unsafe: link x points outside the app", e.getMessage());
    }

    @Test
    void aLinkInADirectoryReachedThroughALinkCountsFromWhereItReallyIs() throws IOException {
        // p -> . puts p/q/ one level higher than its name says, so ../../ from there leaves the app
        Path droplet = droplet(tar -> {
            link(tar, "p", ".");
            TarArchiveEntry q = new TarArchiveEntry("p/q/");
            tar.putArchiveEntry(q);
            tar.closeArchiveEntry();
            link(tar, "p/q/x", "../../escaped");
        });
        IOException e = assertThrows(IOException.class, () -> DropletUnpacker.unpack(droplet, dir.resolve("a/b/app")));
        assertEquals("the droplet is unsafe: link p/q/x points outside the app", e.getMessage());
    }

    @Test
    void aHardLinkToAFileOfTheNodeIsRefused() throws IOException {
        Path droplet = droplet(tar -> {
            TarArchiveEntry entry = new TarArchiveEntry("passwd", TarConstants.LF_LINK);
            entry.setLinkName("/etc/passwd");
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
        });
        Path app = dir.resolve("app");
        IOException e = assertThrows(IOException.class, () -> DropletUnpacker.unpack(droplet, app));
        assertEquals("the droplet is unsafe: hard link passwd points outside the app", e.getMessage());
        assertFalse(Files.exists(app.resolve("passwd"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void npmLinksUpToASiblingAreKept() throws IOException {
        Path droplet = droplet(tar -> {
            file(tar, "node_modules/tool/cli.js", "x");
            link(tar, "node_modules/.bin/tool", "../tool/cli.js");
        });
        Path app = dir.resolve("app");
        DropletUnpacker.unpack(droplet, app);
        assertEquals("x", Files.readString(app.resolve("node_modules/.bin/tool")));
    }

    @Test
    void aDescriptorThatIsALinkIsRefused() throws IOException {
        Path droplet = droplet(tar -> {
            file(tar, "other.json", "{\"start_command\": \"x\"}");
            link(tar, DropletDescriptor.FILE, "other.json");
        });
        Path app = dir.resolve("app");
        DropletUnpacker.unpack(droplet, app);
        assertTrue(Files.isSymbolicLink(app.resolve(DropletDescriptor.FILE)));
        IOException e = assertThrows(IOException.class, () -> DropletDescriptor.read(app));
        assertEquals("the droplet is unsafe: strato-droplet.json is a symbolic link", e.getMessage());
    }

    private interface Entries {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    private Path droplet(Entries entries) throws IOException {
        Path file = dir.resolve("droplet.tar.gz");
        try (OutputStream out = Files.newOutputStream(file);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            entries.write(tar);
        }
        return file;
    }

    private static void link(TarArchiveOutputStream tar, String name, String target) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        entry.setLinkName(target);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(data.length);
        entry.setMode(0100644);
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
    }
}
