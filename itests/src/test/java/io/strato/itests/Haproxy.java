package io.strato.itests;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Debian's haproxy in front of several routers (app traffic, port {@code base}) and several controllers (the API,
 * port {@code base + 1}), configured as an admin would: round robin, health checks every 500 ms, and a request
 * whose connection is refused, or whose server closes it without an answer, retried on another server.
 */
record Haproxy(Process process, int appPort, int apiPort) {

    static Haproxy start(Path dir, List<Integer> routerPorts, List<Integer> apiPorts, int base) throws Exception {
        Files.createDirectories(dir);
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, String.join("\n",
                "global",
                "  maxconn 4096",
                "defaults",
                "  mode http",
                "  timeout connect 1s",
                "  timeout client 30s",
                "  timeout server 30s",
                "  retries 3",
                "  option redispatch",
                // a request whose router died under it (closed without an answer) is sent again to another
                "  retry-on all-retryable-errors",
                "frontend apps",
                "  bind 127.0.0.1:" + base,
                "  default_backend routers",
                "frontend api",
                "  bind 127.0.0.1:" + (base + 1),
                "  default_backend controllers",
                "backend routers",
                "  balance roundrobin",
                servers("router", routerPorts),
                "backend controllers",
                "  balance roundrobin",
                servers("controller", apiPorts),
                ""));
        Process p = new ProcessBuilder("haproxy", "-db", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!listening(base)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("haproxy did not start: " + Files.readString(dir.resolve("haproxy.log")));
            }
            Thread.sleep(100);
        }
        return new Haproxy(p, base, base + 1);
    }

    private static String servers(String name, List<Integer> ports) {
        return IntStream.range(0, ports.size())
                .mapToObj(i -> "  server " + name + (i + 1) + " 127.0.0.1:" + ports.get(i) + " check inter 500 fall 2 rise 2")
                .collect(Collectors.joining("\n"));
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
