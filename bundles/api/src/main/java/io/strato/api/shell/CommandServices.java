package io.strato.api.shell;

/**
 * The services of a shell command that may be missing for a while. Karaf's shell registers a bundle's commands
 * only while every mandatory {@code @Reference} of every one of them is there: one command whose service is gone
 * (the node's cluster connection restarting, the database opening) would take all of the bundle's commands with
 * it, and the admin would read "Command not found" just when a command should say what is wrong. Such services
 * are therefore optional references, and the command calls {@link #require} before it uses them.
 */
public final class CommandServices {

    /** Why a command that needs the node's cluster connection cannot run now. */
    public static final String NOT_CONNECTED = "this node is not connected to its cluster (Cellar is starting or restarting); "
            + "try again in a few seconds";

    private CommandServices() {
    }

    /** {@code service} when it is there; otherwise the command fails with {@code unavailable}, which says why. */
    public static <T> T require(T service, String unavailable) {
        if (service == null) {
            throw new IllegalStateException(unavailable);
        }
        return service;
    }
}
