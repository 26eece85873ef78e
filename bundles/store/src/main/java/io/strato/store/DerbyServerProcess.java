package io.strato.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The Derby Network Server that serves this node's database to the cluster, run as a child JVM from the derby and
 * derbynet jars this bundle carries. It deliberately outlives a killed Karaf JVM (other controllers keep working
 * while this node restarts): its pid and port are kept in {@code server.pid}, and a restarted node adopts a server
 * that still answers instead of starting a second one. A clean {@link #stop()} ends it. While supervised, a server
 * that dies is started again with back-off.
 */
final class DerbyServerProcess {

    private static final Logger LOG = LoggerFactory.getLogger(DerbyServerProcess.class);
    static final String MAIN_CLASS = "org.apache.derby.drda.NetworkServerControl";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    enum State { STOPPED, STARTING, RUNNING, RESTARTING }

    private final Path home;
    private final Path runDir;
    private final String host;
    private final int port;
    private final BooleanSupplier answers;
    private final Runnable beforeStart;

    private volatile ProcessHandle handle;
    private volatile State state = State.STOPPED;
    private volatile int restarts;
    private ScheduledExecutorService supervisor;
    private long backoffMillis = 1000;
    private long startedAt;

    /**
     * @param home        Derby's system home: the databases are directories under it
     * @param runDir      where the jars, {@code server.pid} and {@code server.log} go
     * @param answers     whether a server on host:port answers (a JDBC connection with this cluster's credentials)
     * @param beforeStart runs before each start, while no process has the database open
     */
    DerbyServerProcess(Path home, Path runDir, String host, int port, BooleanSupplier answers, Runnable beforeStart) {
        this.home = home;
        this.runDir = runDir;
        this.host = host;
        this.port = port;
        this.answers = answers;
        this.beforeStart = beforeStart;
    }

    /** Adopts the server a previous run of this node left running, or starts one; then supervises it. */
    synchronized void startOrAdopt() throws IOException {
        Optional<ProcessHandle> running = recorded();
        if (running.isPresent() && awaitAnswer(Duration.ofSeconds(10), running.get())) {
            handle = running.get();
            LOG.info("Adopted the Derby network server that was still running (pid {}, {}:{})", handle.pid(), host, port);
        } else {
            running.ifPresent(stale -> {
                LOG.warn("The Derby network server left running (pid {}) does not answer on {}:{}; stopping it", stale.pid(), host, port);
                end(stale);
            });
            start();
        }
        state = State.RUNNING;
        startedAt = System.nanoTime();
        supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strato-store-derby-supervisor");
            t.setDaemon(true);
            return t;
        });
        supervisor.scheduleWithFixedDelay(this::supervise, 2, 2, TimeUnit.SECONDS);
    }

    /** Stops supervising and ends the server (a clean deactivation of the store). */
    synchronized void stop() {
        stopSupervising();
        ProcessHandle h = handle;
        if (h != null) {
            end(h);
            LOG.info("Derby network server stopped (pid {}, {}:{})", h.pid(), host, port);
        }
        handle = null;
        state = State.STOPPED;
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            LOG.warn("Could not remove {}: {}", pidFile(), e.toString());
        }
    }

    /** Stops supervising but leaves the server running, as a killed JVM would. */
    synchronized void abandon() {
        stopSupervising();
    }

    State state() {
        return state;
    }

    Optional<Long> pid() {
        ProcessHandle h = handle;
        return h == null ? Optional.empty() : Optional.of(h.pid());
    }

    int restarts() {
        return restarts;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    Path pidFile() {
        return runDir.resolve("server.pid");
    }

    private void stopSupervising() {
        if (supervisor != null) {
            supervisor.shutdownNow();
            supervisor = null;
        }
    }

    private void supervise() {
        synchronized (this) {
            ProcessHandle h = handle;
            if (supervisor == null || (h != null && h.isAlive())) {
                if (System.nanoTime() - startedAt > MAX_BACKOFF.toNanos()) {
                    backoffMillis = 1000; // it ran long enough: the next crash restarts quickly again
                }
                return;
            }
            state = State.RESTARTING;
            restarts++;
            LOG.warn("The Derby network server (pid {}, {}:{}) has exited; starting it again in {} s (restart {}); see {}",
                    h == null ? "?" : h.pid(), host, port, backoffMillis / 1000, restarts, runDir.resolve("server.log"));
        }
        try {
            Thread.sleep(backoffMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        synchronized (this) {
            if (supervisor == null) {
                return;
            }
            backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
            try {
                start();
                state = State.RUNNING;
                startedAt = System.nanoTime();
                LOG.info("The Derby network server runs again (pid {}, {}:{})", handle.pid(), host, port);
            } catch (IOException | RuntimeException e) {
                handle = null;
                LOG.warn("Could not start the Derby network server again on {}:{}: {}; trying again in {} s",
                        host, port, e.getMessage(), backoffMillis / 1000);
            }
        }
    }

    private void start() throws IOException {
        state = State.STARTING;
        String classPath = unpack();
        beforeStart.run();
        ownerOnly(home.resolve(StoreComponent.DATABASE));
        List<String> command = new ArrayList<>();
        // its own session: a signal to the node's process group (Ctrl-C on a foreground Karaf) does not reach it
        if (Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid"))) {
            command.add("setsid");
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dderby.system.home=" + home.toAbsolutePath(),
                "-Dderby.stream.error.file=" + runDir.resolve("derby.log").toAbsolutePath(),
                "-cp", classPath, MAIN_CLASS, "start", "-h", host, "-p", String.valueOf(port),
                // only holders of the cluster secret can log in (database-level BUILTIN authentication)
                "-noSecurityManager"));
        Path log = runDir.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(runDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process = pb.start();
        handle = process.toHandle();
        Files.writeString(pidFile(), process.pid() + " " + port + "\n");
        LOG.info("Starting the Derby network server on {}:{} (pid {}, database home {})", host, port, process.pid(), home);
        if (!awaitAnswer(START_TIMEOUT, handle)) {
            end(handle);
            handle = null;
            throw new IOException("the Derby network server did not answer on " + host + ":" + port + " within "
                    + START_TIMEOUT.toSeconds() + " s (is the port taken?); its log: " + tail(log));
        }
    }

    /** The server recorded in the pid file, if that process still runs the network server. */
    private Optional<ProcessHandle> recorded() {
        try {
            if (!Files.isRegularFile(pidFile())) {
                return Optional.empty();
            }
            String[] fields = Files.readString(pidFile()).trim().split("\\s+");
            long pid = Long.parseLong(fields[0]);
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().arguments().map(a -> Arrays.asList(a).contains(MAIN_CLASS)).orElse(false));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring an unreadable {}: {}", pidFile(), e.toString());
            return Optional.empty();
        }
    }

    private boolean awaitAnswer(Duration timeout, ProcessHandle process) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            if (answers.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** SIGTERM, then SIGKILL if it has not ended after 20 s; Derby recovers from its log either way. */
    private static void end(ProcessHandle h) {
        h.destroy();
        try {
            h.onExit().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                LOG.warn("The Derby network server (pid {}) did not end", h.pid());
            }
        }
    }

    /** Copies the server's jars out of this bundle (where missing or changed); @return the class path */
    private String unpack() throws IOException {
        Path lib = Files.createDirectories(runDir.resolve("lib"));
        ownerOnly(runDir);
        List<String> classPath = new ArrayList<>();
        for (String jar : List.of("derby.jar", "derbynet.jar")) {
            byte[] bytes;
            try (InputStream in = DerbyServerProcess.class.getResourceAsStream("/derby-server/" + jar)) {
                if (in == null) {
                    throw new IOException("derby-server/" + jar + " is missing from the store bundle");
                }
                bytes = in.readAllBytes();
            }
            Path target = lib.resolve(jar);
            if (!Files.isRegularFile(target) || !Arrays.equals(Files.readAllBytes(target), bytes)) {
                Path partial = Files.createTempFile(lib, jar, ".part");
                Files.write(partial, bytes);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            classPath.add(target.toAbsolutePath().toString());
        }
        return String.join(":", classPath);
    }

    static void ownerOnly(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (UnsupportedOperationException | IOException e) {
            LOG.warn("Could not make {} readable by this node's user only: {}", dir, e.toString());
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return log.toString();
        }
    }
}
