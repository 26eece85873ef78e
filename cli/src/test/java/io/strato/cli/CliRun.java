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

    /**
     * Stores a target, a token valid for an hour and the space "dev" (space-1) of org "acme" (org-1), as
     * after `strato target`, `strato login` and `strato target -o acme -s dev`.
     */
    CliRun loggedIn(String target) {
        config().save(new Config(target, "dev", "test-token", java.time.Instant.now().plusSeconds(3600).getEpochSecond(),
                null, "org-1", "acme", "space-1", "dev"));
        return this;
    }

    /** Logged in, but no org or space targeted. */
    CliRun loggedInWithoutSpace(String target) {
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
