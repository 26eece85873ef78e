package io.strato.cli;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

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

    public static CliError noSpace() {
        return new CliError("No space targeted: use 'strato target -o ORG -s SPACE'");
    }

    public static CliError noOrg() {
        return new CliError("No org targeted: use 'strato target -o ORG'");
    }

    public static CliError noTarget() {
        return new CliError("No target: run `strato target <url>`");
    }

    public static CliError unreachable(String target, Exception cause) {
        return new CliError("Cannot reach " + target + " (" + reason(cause) + "): check the URL with `strato target <url>`",
                UNREACHABLE);
    }

    /** The JDK client's exceptions rarely carry a readable message, so name the common cases. */
    private static String reason(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return String.valueOf(t.getMessage()).startsWith("connect") ? "connection timed out" : "timed out";
            }
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
