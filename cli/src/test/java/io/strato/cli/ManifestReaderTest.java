package io.strato.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestReaderTest {

    @Test
    void readsStackatoYml() {
        Manifest m = ManifestReader.parse("stackato.yml", """
                name: shop
                mem: 512M
                instances: 3
                env:
                  GREETING: hello
                  PORT_HINT: 8080
                  MODE:
                    default: production
                services:
                  shopdb: postgresql
                  cache:
                    type: redis
                urls:
                  - shop.example.com
                  - ${name}.${target-base}
                processes:
                  web: node server.js
                framework:
                  type: node
                """);
        assertEquals("shop", m.name());
        assertEquals(512, m.memory());
        assertEquals(3, m.instances());
        assertEquals("node server.js", m.command());
        assertEquals(Map.of("GREETING", "hello", "PORT_HINT", "8080", "MODE", "production"), m.env());
        assertEquals(Set.of(new ServiceRequest("shopdb", "postgresql"), new ServiceRequest("cache", "redis")),
                Set.copyOf(m.services()));
        assertEquals(List.of("shop.example.com", "${name}.${target-base}"), m.urls());
    }

    @Test
    void stackatoSingleUrlAndCommand() {
        Manifest m = ManifestReader.parse("stackato.yml", "name: a\nmem: 1G\nurl: a.example.com\ncommand: ./run\n");
        assertEquals(1024, m.memory());
        assertEquals(List.of("a.example.com"), m.urls());
        assertEquals("./run", m.command());
    }

    @Test
    void readsCloudFoundryManifest() {
        Manifest m = ManifestReader.parse("manifest.yml", """
                ---
                applications:
                - name: api
                  memory: 1G
                  instances: 2
                  command: java -jar app.jar
                  buildpack: java
                  random-route: true
                  env:
                    SPRING_PROFILES_ACTIVE: cloud
                  routes:
                  - route: api.example.com
                  - route: api2.example.com
                  services:
                  - apidb
                - name: ignored-second-app
                """);
        assertEquals("api", m.name());
        assertEquals(1024, m.memory());
        assertEquals(2, m.instances());
        assertEquals("java -jar app.jar", m.command());
        assertEquals(Map.of("SPRING_PROFILES_ACTIVE", "cloud"), m.env());
        assertEquals(List.of("api.example.com", "api2.example.com"), m.urls());
        assertEquals(List.of(new ServiceRequest("apidb", null)), m.services());
    }

    @Test
    void badYamlReportsLineAndReason() {
        CliError error = assertThrows(CliError.class, () -> ManifestReader.parse("stackato.yml", """
                name: shop
                mem: 256
                env:
                  A: [unclosed
                instances: 2
                """));
        assertTrue(error.getMessage().startsWith("stackato.yml line "), error.getMessage());
        assertTrue(error.getMessage().matches("stackato\\.yml line [45]: invalid YAML: .*expected ',' or ']'.*"),
                error.getMessage());
        assertEquals(1, error.exitCode());
    }

    @Test
    void badIndentationReportsItsLine() {
        CliError error = assertThrows(CliError.class, () -> ManifestReader.parse("manifest.yml",
                "applications:\n- name: a\n  memory: 1G\n bad: indent\n"));
        assertTrue(error.getMessage().startsWith("manifest.yml line 4"), error.getMessage());
    }

    @Test
    void wrongTypesSayWhichKey() {
        CliError instances = assertThrows(CliError.class,
                () -> ManifestReader.parse("stackato.yml", "name: a\ninstances: many\n"));
        assertEquals("stackato.yml line 2: instances must be a whole number, not 'many'", instances.getMessage());
        CliError mem = assertThrows(CliError.class,
                () -> ManifestReader.parse("manifest.yml", "applications:\n- name: a\n  memory: lots\n"));
        assertEquals("manifest.yml line 3: memory must be like 256, 256M or 1G, not 'lots'", mem.getMessage());
        CliError notAMap = assertThrows(CliError.class,
                () -> ManifestReader.parse("stackato.yml", "- just\n- a list\n"));
        assertTrue(notAMap.getMessage().contains("must be a mapping"), notAMap.getMessage());
    }

    @Test
    void unknownKeysAreTolerated() {
        Manifest m = ManifestReader.parse("stackato.yml", "name: a\nhooks:\n  pre-staging: [x]\nfuture_key: 1\n");
        assertEquals("a", m.name());
    }

    @Test
    void prefersStackatoYmlAndToleratesNoManifest(@TempDir Path dir) throws Exception {
        assertSame(Manifest.NONE, ManifestReader.read(dir));
        Files.writeString(dir.resolve("manifest.yml"), "applications:\n- name: from-cf\n");
        assertEquals("from-cf", ManifestReader.read(dir).name());
        Files.writeString(dir.resolve("stackato.yml"), "name: from-stackato\n");
        assertEquals("from-stackato", ManifestReader.read(dir).name());
        assertEquals("stackato.yml", ManifestReader.read(dir).file());
    }
}
