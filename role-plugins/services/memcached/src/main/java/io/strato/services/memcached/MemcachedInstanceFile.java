package io.strato.services.memcached;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What a node needs to run an instance's server again after a restart. The broker hands instances back
 * only on calls, so the plugin keeps this in the instance's directory.
 *
 * @param port     the port its server listens on
 * @param memoryMb its cache size
 */
record MemcachedInstanceFile(int port, int memoryMb) {

    static final String NAME = "instance.properties";

    static MemcachedInstanceFile read(Path instanceDir) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(instanceDir.resolve(NAME))) {
            p.load(in);
        }
        return new MemcachedInstanceFile(Integer.parseInt(p.getProperty("port")), Integer.parseInt(p.getProperty("memoryMb")));
    }

    void write(Path instanceDir) throws IOException {
        Properties p = new Properties();
        p.setProperty("port", Integer.toString(port));
        p.setProperty("memoryMb", Integer.toString(memoryMb));
        try (Writer out = Files.newBufferedWriter(instanceDir.resolve(NAME))) {
            p.store(out, "memcached service instance");
        }
    }
}
