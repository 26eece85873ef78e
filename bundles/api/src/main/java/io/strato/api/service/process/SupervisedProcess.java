package io.strato.api.service.process;

import io.strato.api.process.NodeChildren;

import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * One server run as a child process: started, watched, restarted with back-off when it dies, stopped with
 * its whole process tree, and killed with the node's JVM ({@link NodeChildren}). Logs through {@link System.Logger} (java.util.logging, which Karaf routes to its
 * log), so the api needs no logging library; messages are built here rather than left to a formatter.
 */
public final class SupervisedProcess implements AutoCloseable {

    /** A server that stays up this long is healthy again: the next crash restarts it at once. */
    private static final Duration STABLE = Duration.ofSeconds(60);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration CONNECT_ATTEMPT = Duration.ofMillis(250);

    private static final System.Logger LOG = System.getLogger(SupervisedProcess.class.getName());

    private final ProcessSpec spec;
    private Process process;
    private long startedAtNanos;
    private Duration backoff = FIRST_BACKOFF;
    private int restarts;
    private boolean stopped;
    /** False until the first start listens: a server that fails to start is reported, not restarted. */
    private boolean watching;
    private Process exitHandled;

    public SupervisedProcess(ProcessSpec spec) {
        this.spec = spec;
    }

    public ProcessSpec spec() {
        return spec;
    }

    /**
     * Starts the server and waits until its port accepts connections.
     *
     * @throws IOException when it cannot be run, exits, or does not listen within the start timeout;
     *                     the message names the log file. Nothing is left running then.
     */
    public void start() throws IOException {
        synchronized (this) {
            if (process != null && process.isAlive()) {
                return;
            }
            stopped = false;
            watching = false;
            launch();
        }
        awaitPort();
        synchronized (this) {
            watching = true;
            if (!process.isAlive()) {
                exited(process);
            }
        }
    }

    /** Whether the server process is running (it may be between a crash and its restart). */
    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** How often it was restarted after dying. */
    public synchronized int restarts() {
        return restarts;
    }

    /** The current process id, or -1 when it is not running. */
    public synchronized long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    /** Whether the port accepts a connection right now. */
    public boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(spec.host(), spec.port()), (int) CONNECT_ATTEMPT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops it for good: SIGTERM to the process and its descendants, SIGKILL to whatever is left after a grace period. */
    public void stop() {
        Process current;
        synchronized (this) {
            stopped = true;
            current = process;
        }
        if (current == null) {
            return;
        }
        List<ProcessHandle> tree = Stream.concat(Stream.of(current.toHandle()), current.descendants()).toList();
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                LOG.log(Level.WARNING, spec.description() + " did not stop within " + STOP_GRACE.toSeconds() + " s; killing it");
                handle.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handle.destroyForcibly();
            }
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() {
        stop();
    }

    private void launch() throws IOException {
        Files.createDirectories(spec.directory());
        Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
        ServerFiles.privateLog(spec.logFile());
        ProcessBuilder builder = new ProcessBuilder(NodeChildren.diesWithNode(spec.command()))
                .directory(spec.directory().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(spec.environment());
        Process started = NodeChildren.start(builder);
        process = started;
        startedAtNanos = System.nanoTime();
        started.onExit().thenAccept(this::exited);
    }

    private void awaitPort() throws IOException {
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            Process current;
            synchronized (this) {
                current = process;
            }
            if (!current.isAlive()) {
                stop();
                throw new IOException(spec.description() + " exited (exit " + current.exitValue() + ") before listening on "
                        + spec.host() + ":" + spec.port() + "; see " + spec.logFile());
            }
            if (listening()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IOException("interrupted while starting " + spec.description(), e);
            }
        }
        stop();
        throw new IOException(spec.description() + " did not listen on " + spec.host() + ":" + spec.port() + " within "
                + spec.startTimeout().toSeconds() + " s; see " + spec.logFile());
    }

    private synchronized void exited(Process dead) {
        if (stopped || !watching || dead != process || dead == exitHandled) {
            return;
        }
        exitHandled = dead;
        if (System.nanoTime() - startedAtNanos > STABLE.toNanos()) {
            backoff = FIRST_BACKOFF;
        }
        Duration delay = backoff;
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        LOG.log(Level.WARNING, spec.description() + " died (exit " + dead.exitValue() + "); restarting in "
                + delay.toSeconds() + " s (log: " + spec.logFile() + ")");
        CompletableFuture.runAsync(this::restart, CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
    }

    private synchronized void restart() {
        if (stopped) {
            return;
        }
        try {
            launch();
            restarts++;
            LOG.log(Level.INFO, spec.description() + " restarted (pid " + process.pid() + ")");
        } catch (IOException e) {
            // cannot even run the program: it will not get better by itself, an admin has to look
            LOG.log(Level.ERROR, spec.description() + " could not be restarted: " + e.getMessage() + "; see " + spec.logFile());
        }
    }
}
