package io.strato.services.rabbit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real RabbitMQ (Debian's rabbitmq-server package) run as a child process for the tests: its own node name,
 * Erlang cookie, data, logs, configuration and loopback ports (AMQP, management, distribution and its own epmd),
 * all under target/, so it shares nothing with a system RabbitMQ. {@link #close()} stops it, its helpers and its
 * epmd, also after a failed start.
 */
final class RabbitMqServer implements AutoCloseable {

    /** The real start script: /usr/sbin/rabbitmq-server would switch to the rabbitmq user and the system's data. */
    static final Path SCRIPT = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    final Path dir;
    final int amqpPort;
    final int managementPort;
    final int epmdPort;
    final String adminUser = "strato-admin";
    final String adminPassword;
    final Path log;
    private final Process process;
    private final Thread shutdownHook;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final long startMillis;

    RabbitMqServer(Path parent) throws IOException, InterruptedException {
        if (!Files.isExecutable(SCRIPT)) {
            throw new IllegalStateException(SCRIPT + " is missing: install Debian's rabbitmq-server package "
                    + "(apt-get install --no-install-recommends rabbitmq-server, as .ci/run does)");
        }
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        String id = HexFormat.of().formatHex(bytes, 0, 4);
        adminPassword = HexFormat.of().formatHex(bytes, 4, 12);
        dir = Files.createDirectories(parent.toAbsolutePath()).resolve("rabbitmq-" + id);
        Files.createDirectories(dir);
        int[] ports = freePorts(4);
        amqpPort = ports[0];
        managementPort = ports[1];
        epmdPort = ports[3];
        Files.writeString(dir.resolve("rabbitmq.conf"), String.join("\n",
                "listeners.tcp.1 = 127.0.0.1:" + amqpPort,
                "management.tcp.ip = 127.0.0.1",
                "management.tcp.port = " + managementPort,
                "default_user = " + adminUser,
                "default_pass = " + adminPassword,
                "default_user_tags.administrator = true",
                "loopback_users = none",
                ""));
        Files.writeString(dir.resolve("enabled_plugins"), "[rabbitmq_management].\n");
        Files.writeString(dir.resolve("rabbitmq-env.conf"), "");
        log = dir.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("HOME", dir.toString()); // the Erlang cookie
        env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString()); // not /etc/rabbitmq/rabbitmq-env.conf
        env.put("RABBITMQ_NODENAME", "strato-test-" + id + "@localhost");
        env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        env.put("RABBITMQ_NODE_PORT", Integer.toString(amqpPort));
        env.put("RABBITMQ_DIST_PORT", Integer.toString(ports[2]));
        env.put("ERL_EPMD_PORT", Integer.toString(epmdPort));
        env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
        env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("advanced.config").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_LOGS", "-");
        env.put("RABBITMQ_PLUGINS_EXPAND_DIR", dir.resolve("plugins-expand").toString());
        env.put("RABBITMQ_GENERATED_CONFIG_DIR", dir.resolve("config").toString());
        env.put("RABBITMQ_PID_FILE", dir.resolve("rabbitmq.pid").toString());
        env.put("RABBITMQ_FEATURE_FLAGS_FILE", dir.resolve("feature_flags").toString());
        env.put("RABBITMQ_QUORUM_DIR", dir.resolve("quorum").toString());
        env.put("RABBITMQ_STREAM_DIR", dir.resolve("stream").toString());
        long started = System.nanoTime();
        process = builder.start();
        shutdownHook = new Thread(this::kill, "stop test RabbitMQ");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            awaitReady(started);
        } catch (IOException | RuntimeException | Error | InterruptedException e) {
            close();
            throw e;
        }
        startMillis = (System.nanoTime() - started) / 1_000_000;
    }

    String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    boolean isRunning() {
        return process.isAlive();
    }

    /** Ready when the management API answers the admin and the AMQP port accepts connections. */
    private void awaitReady(long started) throws IOException, InterruptedException {
        long deadline = started + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("RabbitMQ exited with " + process.exitValue() + " while starting; its log " + log + " ends:\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("RabbitMQ did not come up within " + START_TIMEOUT.toSeconds() + " s; its log " + log + " ends:\n" + tail());
            }
            try {
                if (api("GET", "/api/overview").statusCode() == 200) {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress("127.0.0.1", amqpPort), 500);
                        return;
                    }
                }
            } catch (IOException e) {
                // not yet
            }
            Thread.sleep(200);
        }
    }

    /** Calls the management API with the admin's credentials. */
    HttpResponse<String> api(String method, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(managementUrl() + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((adminUser + ":" + adminPassword).getBytes(StandardCharsets.UTF_8)))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM (the script stops the node cleanly), then SIGKILL for whatever is left; then the node's own epmd. */
    @Override
    public void close() {
        if (process.isAlive()) {
            List<ProcessHandle> tree = process.descendants().toList();
            process.destroy();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            tree.forEach(ProcessHandle::destroyForcibly);
        }
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already
        }
    }

    /** What a stop leaves or a dying test JVM would leave: every process of this server, and its epmd. */
    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            Process epmd = new ProcessBuilder("epmd", "-port", Integer.toString(epmdPort), "-kill")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!epmd.waitFor(10, TimeUnit.SECONDS)) {
                epmd.destroyForcibly();
            }
        } catch (IOException e) {
            // no epmd on the PATH: it was never started either
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }
}
