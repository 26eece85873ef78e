package io.strato.core.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PlatformFilesTest {

    @TempDir
    Path home;

    private String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void etcAndDataAreClosedToOtherUsersButRoleDirectoriesStayReachable() throws Exception {
        Path etc = Files.createDirectories(home.resolve("etc"));
        Path data = Files.createDirectories(home.resolve("data"));
        Path log = Files.createDirectories(data.resolve("log"));
        Path cache = Files.createDirectories(data.resolve("cache"));
        Path dea = Files.createDirectories(data.resolve("strato/dea"));
        Path lock = Files.writeString(data.resolve("lock"), "");
        for (Path p : new Path[] {etc, data, log, cache, dea, dea.getParent()}) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(lock, PosixFilePermissions.fromString("rw-r--r--"));

        assertEquals(java.util.List.of(), PlatformFiles.close(etc, data));
        assertEquals("rwx------", mode(etc));
        assertEquals("rwx--x--x", mode(data));
        assertEquals("rwx------", mode(log));
        assertEquals("rwx------", mode(cache));
        assertEquals("rw-------", mode(lock));
        assertEquals("rwx--x--x", mode(data.resolve("strato")));
        assertEquals("rwxr-xr-x", mode(dea), "what lies below data/strato is the roles' own");
    }

    @Test
    void dataStratoIsCreatedTraversable() throws Exception {
        Path data = Files.createDirectories(home.resolve("data"));
        PlatformFiles.close(Files.createDirectories(home.resolve("etc")), data);
        assertEquals("rwx--x--x", mode(data.resolve("strato")));
    }
}
