package io.strato.api.service.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to run one supervised server.
 *
 * @param description  what an admin calls it, e.g. "redis server for instance 1234"; used in every log line
 * @param command      program and arguments
 * @param directory    working directory, created if missing
 * @param logFile      where the server's stdout and stderr are appended
 * @param environment  variables added to the inherited environment
 * @param host         address the server listens on
 * @param port         port the server listens on; started means it accepts connections there
 * @param startTimeout how long to wait for the port
 */
public record ProcessSpec(String description, List<String> command, Path directory, Path logFile,
                          Map<String, String> environment, String host, int port, Duration startTimeout) {

    public ProcessSpec {
        Objects.requireNonNull(description, "description");
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException(description + " has no command");
        }
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(logFile, "logFile");
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        Objects.requireNonNull(host, "host");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException(description + ": port must be between 1 and 65535, not " + port);
        }
        Objects.requireNonNull(startTimeout, "startTimeout");
    }
}
