package io.strato.cli;

/**
 * A failure the user can act on: its message is the one line printed, its exit code is what the
 * shell sees (1 for API and usage errors, 2 when the target cannot be reached).
 */
public class CliError extends RuntimeException {

    public static final int API_OR_USAGE = 1;
    public static final int UNREACHABLE = 2;

    private final int exitCode;

    public CliError(String message) {
        this(message, API_OR_USAGE);
    }

    public CliError(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static CliError notLoggedIn() {
        return new CliError("Not logged in: run `strato login`");
    }

    public static CliError noTarget() {
        return new CliError("No target: run `strato target <url>`");
    }

    public static CliError unreachable(String target, Exception cause) {
        // The JDK client often wraps the useful text ("Connection refused") in a message-less exception.
        Throwable t = cause;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        String reason = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return new CliError("Cannot reach " + target + " (" + reason + "): check the URL with `strato target <url>`",
                UNREACHABLE);
    }
}
