package io.strato.services.redis;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What a node needs to run an instance's server again after a restart. The broker hands instances back
 * only on calls, so the plugin keeps this beside the instance's data.
 *
 * @param port     the port its server listens on
 * @param password its requirepass
 */
record RedisInstanceFile(int port, String password) {

    static final String NAME = "instance.properties";

    static RedisInstanceFile read(Path instanceDir) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(instanceDir.resolve(NAME))) {
            p.load(in);
        }
        return new RedisInstanceFile(Integer.parseInt(p.getProperty("port")), p.getProperty("password"));
    }

    void write(Path instanceDir) throws IOException {
        Properties p = new Properties();
        p.setProperty("port", Integer.toString(port));
        p.setProperty("password", password);
        try (Writer out = Files.newBufferedWriter(instanceDir.resolve(NAME))) {
            p.store(out, "redis service instance; the password is also in redis.conf");
        }
    }
}
