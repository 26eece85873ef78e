package io.strato.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/** Reads and writes {@code config.json} in {@code $STRATO_HOME}, by default {@code ~/.strato}. */
public final class ConfigStore {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;

    public ConfigStore(Path dir) {
        this.file = dir.resolve("config.json");
    }

    public static ConfigStore fromEnvironment(Map<String, String> env) {
        String home = env.get("STRATO_HOME");
        Path dir = home == null || home.isBlank()
                ? Path.of(System.getProperty("user.home"), ".strato")
                : Path.of(home);
        return new ConfigStore(dir);
    }

    public Path file() {
        return file;
    }

    public Config load() {
        if (!Files.exists(file)) {
            return Config.EMPTY;
        }
        try {
            return JSON.readValue(file.toFile(), Config.class);
        } catch (IOException e) {
            throw new CliError("Cannot read " + file + " (" + e.getMessage() + "): fix or delete it, then run `strato target <url>`");
        }
    }

    public void save(Config config) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "config", ".tmp");
            // The token is a credential: keep it readable by the owner only.
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            }
            JSON.writeValue(tmp.toFile(), config);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliError("Cannot write " + file + " (" + e.getMessage() + "): check STRATO_HOME");
        }
    }
}
