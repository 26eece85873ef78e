package io.strato.role.stager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strato.api.manifest.AppManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A jar pushed as the app itself arrives unpacked; it runs as Cloud Foundry's Java buildpack runs it. */
class RuntimeDetectorTest {

    private final RuntimeDetector detector = new RuntimeDetector("npm", "pip");

    @Test
    void anUnpackedJarRunsItsMainClassWithItsClassPath(@TempDir Path app) throws Exception {
        manifest(app, "Manifest-Version: 1.0\nMain-Class: com.example.Main\nClass-Path: lib/a.jar lib/b.jar\n");
        Files.createDirectories(app.resolve("com/example"));
        Files.write(app.resolve("com/example/Main.class"), new byte[] {1});
        DetectedRuntime runtime = detector.detect(app, AppManifest.empty("manifest.yml"), null, null);
        assertEquals("java", runtime.buildpack());
        assertEquals("java -cp .:lib/a.jar:lib/b.jar com.example.Main", runtime.startCommand());
    }

    @Test
    void anUnpackedSpringBootJarRunsBootsLauncher(@TempDir Path app) throws Exception {
        manifest(app, "Manifest-Version: 1.0\nMain-Class: org.springframework.boot.loader.launch.JarLauncher\n"
                + "Start-Class: com.example.App\nSpring-Boot-Classes: BOOT-INF/classes/\n");
        Files.createDirectories(app.resolve("BOOT-INF/classes"));
        DetectedRuntime runtime = detector.detect(app, AppManifest.empty("manifest.yml"), null, null);
        assertEquals("java -cp . org.springframework.boot.loader.launch.JarLauncher", runtime.startCommand());
    }

    @Test
    void aManifestWithoutMainClassIsNoJavaApp(@TempDir Path app) throws Exception {
        manifest(app, "Manifest-Version: 1.0\n");
        StagingFailure failure = assertThrows(StagingFailure.class,
                () -> detector.detect(app, AppManifest.empty("manifest.yml"), null, null));
        assertEquals(true, failure.getMessage().startsWith("could not detect the app's runtime"));
    }

    private static void manifest(Path app, String text) throws Exception {
        Files.createDirectories(app.resolve("META-INF"));
        Files.writeString(app.resolve("META-INF/MANIFEST.MF"), text);
    }
}
