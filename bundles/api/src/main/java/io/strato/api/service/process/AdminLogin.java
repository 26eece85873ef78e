package io.strato.api.service.process;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/**
 * The account a plugin runs its admin commands as on the server it runs, kept beside the server's data in a
 * file only the node's user can read.
 */
public record AdminLogin(String user, String password) {

    /** Writes it to {@code file} (mode 600), replacing what was there; {@code what} names it in the file. */
    public void save(Path file, String what) throws IOException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, what);
        }
    }

    public static AdminLogin load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return new AdminLogin(p.getProperty("user"), p.getProperty("password"));
    }
}
