package io.strato.api.manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestParserTest {

    @Test
    void readsAStackatoManifest() throws Exception {
        AppManifest m = ManifestParser.parse("stackato.yml", """
                name: shop
                mem: 256M
                instances: 2
                env:
                  GREETING: hello
                  DEBUG: true
                  REGION:
                    default: eu
                services:
                  shopdb: postgresql
                  cache: {type: redis}
                url:
                  - shop.example.com
                  - www.shop.example.com
                command: node server.js
                processes:
                  web: node web.js
                hooks:
                  pre-staging: echo before
                  post-staging:
                    - echo after
                    - touch built
                  pre-running: ./migrate.sh
                requirements:
                  pip: [flask]
                  npm:
                    - express
                  ubuntu: libxml2
                framework:
                  type: node
                """);
        assertEquals("stackato.yml", m.file());
        assertEquals("shop", m.name());
        assertEquals(256L, m.memoryMb());
        assertEquals(2, m.instances());
        assertEquals(Map.of("GREETING", "hello", "DEBUG", "true", "REGION", "eu"), m.env());
        assertEquals(Map.of("shopdb", "postgresql", "cache", "redis"), m.services());
        assertEquals(List.of("shop.example.com", "www.shop.example.com"), m.urls());
        assertEquals("node server.js", m.command());
        assertEquals("node web.js", m.startCommand());
        assertEquals(List.of("echo before"), m.preStaging());
        assertEquals(List.of("echo after", "touch built"), m.postStaging());
        assertEquals(List.of("./migrate.sh"), m.preRunning());
        assertEquals(List.of("flask"), m.pipRequirements());
        assertEquals(List.of("express"), m.npmRequirements());
        assertEquals(List.of("libxml2"), m.ubuntuRequirements());
    }

    @Test
    void readsACloudFoundryManifestWithTopLevelDefaults() throws Exception {
        AppManifest m = ManifestParser.parse("manifest.yml", """
                ---
                memory: 1G
                applications:
                - name: api
                  instances: 3
                  command: python3 app.py
                  env:
                    MODE: prod
                  routes:
                  - route: api.example.com
                  - route: api.example.com/v2
                  services:
                  - apidb
                - name: worker
                """);
        assertEquals("api", m.name());
        assertEquals(1024L, m.memoryMb());
        assertEquals(3, m.instances());
        assertEquals("python3 app.py", m.startCommand());
        assertEquals(Map.of("MODE", "prod"), m.env());
        assertEquals(List.of("api.example.com", "api.example.com/v2"), m.urls());
        assertEquals(Map.of("apidb", ""), m.services());
    }

    @Test
    void emptyManifestSetsNothing() throws Exception {
        AppManifest m = ManifestParser.parse("stackato.yml", "# nothing yet\n");
        assertNull(m.name());
        assertNull(m.memoryMb());
        assertNull(m.startCommand());
        assertTrue(m.urls().isEmpty());
    }

    @Test
    void memorySizes() {
        assertEquals(256, ManifestParser.parseMemoryMb("256"));
        assertEquals(256, ManifestParser.parseMemoryMb("256M"));
        assertEquals(256, ManifestParser.parseMemoryMb("256mb"));
        assertEquals(1024, ManifestParser.parseMemoryMb("1G"));
        assertEquals(1536, ManifestParser.parseMemoryMb("1.5GB"));
        assertThrows(IllegalArgumentException.class, () -> ManifestParser.parseMemoryMb("lots"));
        assertThrows(IllegalArgumentException.class, () -> ManifestParser.parseMemoryMb("0"));
    }

    @Test
    void wrongTypeNamesFileLineAndReason() {
        ManifestException e = assertThrows(ManifestException.class, () -> ManifestParser.parse("stackato.yml", """
                name: shop
                mem: 128
                instances: lots
                """));
        assertEquals("stackato.yml line 3: instances must be a whole number, not 'lots'", e.getMessage());
        assertEquals(3, e.line());

        e = assertThrows(ManifestException.class, () -> ManifestParser.parse("manifest.yml", """
                applications:
                - name: api
                  memory: plenty
                """));
        assertEquals("manifest.yml line 3: memory must be like 256, 256M or 1G, not 'plenty'", e.getMessage());

        e = assertThrows(ManifestException.class, () -> ManifestParser.parse("stackato.yml", """
                name:
                  - a
                  - b
                """));
        assertEquals("stackato.yml line 2: name must be a single value, not a list", e.getMessage());
    }

    @Test
    void yamlSyntaxErrorNamesTheLine() {
        ManifestException e = assertThrows(ManifestException.class, () -> ManifestParser.parse("stackato.yml", """
                name: shop
                env:
                  A: b
                 C: d
                """));
        assertEquals("stackato.yml", e.file());
        assertEquals(4, e.line());
        assertTrue(e.getMessage().startsWith("stackato.yml line 4: invalid YAML"), e.getMessage());
    }

    @Test
    void duplicateKeysAndBadShapesAreRefused() {
        ManifestException e = assertThrows(ManifestException.class,
                () -> ManifestParser.parse("stackato.yml", "name: a\nmem: 64\nname: b\n"));
        assertEquals("stackato.yml line 3: duplicate key 'name' in the manifest", e.getMessage());
        e = assertThrows(ManifestException.class, () -> ManifestParser.parse("stackato.yml", "- just\n- a list\n"));
        assertEquals("stackato.yml line 1: the manifest must be a mapping of keys to values", e.getMessage());
        e = assertThrows(ManifestException.class, () -> ManifestParser.parse("manifest.yml", "applications: []\n"));
        assertEquals(1, e.line());
    }

    @Test
    void aliasBombIsRefused() {
        StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'z'; c++) {
            char p = (char) (c - 1);
            yaml.append(c).append(": &").append(c).append(" [*").append(p).append(", *").append(p).append(", *")
                    .append(p).append("]\n");
        }
        assertThrows(ManifestException.class, () -> ManifestParser.parse("stackato.yml", yaml.toString()));
    }

    @Test
    void readPrefersStackatoYml(@TempDir Path dir) throws Exception {
        assertTrue(ManifestParser.read(dir).isEmpty());
        Files.writeString(dir.resolve("manifest.yml"), "applications:\n- name: cf\n");
        assertEquals("cf", ManifestParser.read(dir).orElseThrow().name());
        Files.writeString(dir.resolve("stackato.yml"), "name: st\n");
        assertEquals("st", ManifestParser.read(dir).orElseThrow().name());
        Files.write(dir.resolve("stackato.yml"), new byte[] {'n', ':', ' ', (byte) 0xff, '\n'});
        assertEquals("stackato.yml: not UTF-8 text",
                assertThrows(ManifestException.class, () -> ManifestParser.read(dir)).getMessage());
    }
}
