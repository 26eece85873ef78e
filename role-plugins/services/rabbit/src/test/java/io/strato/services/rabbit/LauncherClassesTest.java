package io.strato.services.rabbit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LauncherClassesTest {

    /** The broker's JVM gets only the classes the plugin unpacks: one left out fails there, at the first use of it. */
    @Test
    void everyClassOfTheLauncherIsUnpackedForTheBrokersJvm() throws Exception {
        Path server = Path.of(QpidBroker.class.getResource("server").toURI());
        Set<String> compiled;
        try (Stream<Path> files = Files.list(server)) {
            compiled = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".class"))
                    .map(n -> "io.strato.services.rabbit.server." + n.substring(0, n.length() - ".class".length()))
                    .collect(Collectors.toSet());
        }
        assertEquals(compiled, Set.copyOf(QpidBroker.LAUNCHER_CLASSES));
    }
}
