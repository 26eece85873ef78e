package io.strato.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the CLI in-process with its own STRATO_HOME, stdin and captured stdout/stderr. */
final class CliRun {

    record Result(int exitCode, String out, String err) {
    }

    private final Path home;
    private final Map<String, String> env = new HashMap<>();
    private String stdin = "";

    CliRun(Path home) {
        this.home = home;
        env.put("STRATO_HOME", home.toString());
    }

    CliRun env(String name, String value) {
        env.put(name, value);
        return this;
    }

    CliRun stdin(String text) {
        this.stdin = text;
        return this;
    }

    ConfigStore config() {
        return new ConfigStore(home);
    }

    /** Stores a target and a token valid for an hour, as after `strato target` and `strato login`. */
    CliRun loggedIn(String target) {
        config().save(new Config(target, "dev", "test-token", java.time.Instant.now().plusSeconds(3600).getEpochSecond()));
        return this;
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Terminal terminal = new Terminal(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, null);
        int code = Strato.execute(terminal, args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
