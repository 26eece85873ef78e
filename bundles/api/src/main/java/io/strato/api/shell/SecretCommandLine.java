package io.strato.api.shell;

import java.util.concurrent.Callable;

/**
 * For shell commands that take a secret as an argument ({@code --secret}, {@code --password}): Karaf's shell
 * names the thread that runs a command after its whole command line, and every log line written meanwhile
 * carries that name, secret included. The body runs under a name without the arguments.
 */
public final class SecretCommandLine {

    private SecretCommandLine() {
    }

    /** Runs {@code body} with the current thread named {@code command} (e.g. "kato:user-add"), then names it back. */
    public static <T> T run(String command, Callable<T> body) throws Exception {
        Thread thread = Thread.currentThread();
        String name = thread.getName();
        thread.setName(command);
        try {
            return body.call();
        } finally {
            thread.setName(name);
        }
    }
}
