package io.strato.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StoreDirectoryTest {

    @TempDir
    Path data;

    @Test
    void theEmbeddedStoreDirectoryIsTheNodeUsersOnly() throws Exception {
        Path db = Files.createDirectories(data.resolve("strato/db"));
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rwxr-xr-x"));
        StoreComponent.ownerOnly("jdbc:derby:" + db + ";create=true");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
    }

    @Test
    void onlyEmbeddedDerbyOnDiskHasADirectory() {
        assertEquals(Optional.of(Path.of("/x/data/strato/db")), StoreComponent.embeddedDirectory("jdbc:derby:/x/data/strato/db;create=true"));
        assertEquals(Optional.of(Path.of("/x/db")), StoreComponent.embeddedDirectory("jdbc:derby:directory:/x/db"));
        assertEquals(Optional.empty(), StoreComponent.embeddedDirectory("jdbc:derby:memory:test;create=true"));
        assertEquals(Optional.empty(), StoreComponent.embeddedDirectory("jdbc:derby://primary:1527/strato"));
        assertEquals(Optional.empty(), StoreComponent.embeddedDirectory("jdbc:postgresql://db/strato"));
    }
}
