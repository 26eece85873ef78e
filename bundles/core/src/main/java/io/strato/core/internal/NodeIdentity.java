package io.strato.core.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

/**
 * Who this node is: a stable id generated on first start (kept in {@code etc/strato-node.properties})
 * and a display name ({@code karaf.name}, or the host name when Karaf keeps its default "root").
 */
record NodeIdentity(String id, String name) {

    static final String FILE = "strato-node.properties";

    static NodeIdentity loadOrCreate(Path etc) {
        PropertiesFile file = new PropertiesFile(etc.resolve(FILE));
        Properties p = file.read();
        String id = p.getProperty("id");
        if (id == null || id.isBlank()) {
            id = UUID.randomUUID().toString();
            p.setProperty("id", id);
            file.write(p, "Strato node identity, generated on first start. Do not copy it to another node.");
        }
        String name = p.getProperty("name", "").isBlank() ? defaultName() : p.getProperty("name");
        return new NodeIdentity(id, name);
    }

    private static String defaultName() {
        String karafName = System.getProperty("karaf.name", "root");
        if (!"root".equals(karafName)) {
            return karafName;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return karafName;
        }
    }
}
