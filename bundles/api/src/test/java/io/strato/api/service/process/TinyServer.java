package io.strato.api.service.process;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** Command lines that run the test resource TinyServer.java with the JDK running the tests, so the tests need no python or netcat. */
final class TinyServer {

    private TinyServer() {
    }

    static List<String> command(int port) {
        return List.of(ProcessHandle.current().info().command().orElse("java"), source(), Integer.toString(port));
    }

    /** The same server as a child of a shell, so there is a process tree to stop and a child to kill. */
    static List<String> underShell(int port) {
        List<String> server = command(port);
        return List.of("sh", "-c", "\"$0\" \"$1\" \"$2\" & wait", server.get(0), server.get(1), server.get(2));
    }

    private static String source() {
        try {
            return Path.of(TinyServer.class.getResource("TinyServer.java").toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
