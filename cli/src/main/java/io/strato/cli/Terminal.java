package io.strato.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Where a command reads from and writes to, and the environment it sees. Tests build one over
 * in-memory streams; {@link #system()} is the real one.
 */
public final class Terminal {

    private final PrintStream out;
    private final PrintStream err;
    private final BufferedReader in;
    private final Map<String, String> env;
    private final Console console;

    public Terminal(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, Console console) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
        this.console = console;
    }

    public static Terminal system() {
        return new Terminal(System.in, System.out, System.err, System.getenv(), System.console());
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public String env(String name) {
        return env.get(name);
    }

    public Map<String, String> env() {
        return env;
    }

    public String prompt(String label) {
        if (console != null) {
            return console.readLine("%s", label);
        }
        err.print(label);
        err.flush();
        return readLine();
    }

    /** Reads without echo when a console is attached; piped input is read as a plain line. */
    public String promptSecret(String label) {
        if (console != null) {
            char[] secret = console.readPassword("%s", label);
            return secret == null ? null : new String(secret);
        }
        err.print(label);
        err.flush();
        return readLine();
    }

    public boolean confirm(String question) {
        String answer = prompt(question + " [y/N] ");
        return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    }

    private String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            return null;
        }
    }
}
