package io.strato.role.controller.blob;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.role.controller.Zips;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadValidatorTest {

    @TempDir
    Path dir;

    private final UploadValidator validator = new UploadValidator(new UploadLimits(1024 * 1024, 10, 2 * 1024 * 1024));

    private String reject(byte[] zip) throws Exception {
        Path file = Files.write(dir.resolve("app.zip"), zip);
        return assertThrows(InvalidUploadException.class, () -> validator.validate(file)).getMessage();
    }

    private void accept(byte[] zip) throws Exception {
        Path file = Files.write(dir.resolve("app.zip"), zip);
        assertDoesNotThrow(() -> validator.validate(file));
    }

    @Test
    void anOrdinaryAppPasses() throws Exception {
        accept(Zips.zip(Map.of("app.js", "require('http')", "lib/util.js", "x", "link", "lib/util.js"), Set.of("link")));
    }

    @Test
    void dotDotEntriesAreRefusedByName() throws Exception {
        String message = reject(Zips.zip(Map.of("../../etc/cron.d/evil", "x")));
        assertTrue(message.contains("'../../etc/cron.d/evil'"), message);
        assertTrue(reject(Zips.zip(Map.of("a/../../b", "x"))).contains("a/../../b"));
        assertTrue(reject(Zips.zip(Map.of("a\\..\\..\\b", "x"))).contains("outside"));
    }

    @Test
    void absolutePathsAreRefused() throws Exception {
        String message = reject(Zips.zip(Map.of("/etc/passwd", "x")));
        assertTrue(message.contains("'/etc/passwd'") && message.contains("absolute"), message);
        assertTrue(reject(Zips.zip(Map.of("C:/Windows/x", "x"))).contains("absolute"));
    }

    @Test
    void symlinksLeavingTheAppAreRefusedAndInsideOnesAllowed() throws Exception {
        String message = reject(Zips.zip(Map.of("config", "/etc/shadow"), Set.of("config")));
        assertTrue(message.contains("symlink entry 'config'"), message);
        assertTrue(reject(Zips.zip(Map.of("sub/up", "../../secret"), Set.of("sub/up"))).contains("'sub/up'"));
        accept(Zips.zip(Map.of("sub/up", "../app.js", "app.js", "x"), Set.of("sub/up")));
    }

    @Test
    void tooManyEntriesAreRefused() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < 11; i++) {
            files.put("f" + i, "x");
        }
        assertTrue(reject(Zips.zip(files)).contains("entries"));
    }

    @Test
    void aZipBombIsRefusedWhileInflating() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("zeros"));
            byte[] mb = new byte[1024 * 1024];
            for (int i = 0; i < 5; i++) {
                zip.write(mb);
            }
            zip.closeEntry();
        }
        assertTrue(bytes.size() < 64 * 1024, "the test zip should be small");
        assertTrue(reject(bytes.toByteArray()).contains("inflates to more than"));
    }

    @Test
    void corruptZipsSayInvalidZipFile() throws Exception {
        assertTrue(reject("this is not a zip at all, just some text".getBytes()).startsWith("Invalid zip file: "));
        byte[] zip = Zips.zip(Map.of("a.txt", "hello hello hello hello"));
        byte[] truncated = java.util.Arrays.copyOf(zip, zip.length - 30);
        assertTrue(reject(truncated).startsWith("Invalid zip file: "));
    }

    @Test
    void aBadManifestIsRefusedWithItsLine() throws Exception {
        Path file = Files.write(dir.resolve("app.zip"),
                Zips.zip(Map.of("stackato.yml", "name: shop\ninstances: lots\n", "app.js", "x")));
        InvalidUploadException e = assertThrows(InvalidManifestException.class, () -> validator.validate(file));
        assertTrue(e.getMessage().contains("stackato.yml line 2"), e.getMessage());
        accept(Zips.zip(Map.of("manifest.yml", "applications:\n- name: shop\n  instances: 2\n")));
    }
}
