package io.strato.role.dea;

import io.strato.api.files.FileTrees;
import io.strato.api.process.BoundedLineReader;
import io.strato.api.app.InstanceOrder;
import io.strato.api.app.InstanceState;
import io.strato.api.app.InstanceStatus;
import io.strato.api.app.RouteEntry;
import io.strato.api.sandbox.ProcessTree;
import io.strato.api.sandbox.Sandbox;
import io.strato.api.sandbox.SandboxCgroup;
import io.strato.api.sandbox.SandboxCgroups;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One app instance on this DEA, from the START order to its end: fetches and unpacks the droplet into
 * its own directory, runs the pre-running hooks, starts the command in the sandbox, reports RUNNING
 * once the port accepts connections, and CRASHED when the process ends without being asked to.
 */
final class InstanceRunner {

    /**
     * How often a starting instance's port is tried: a refused connection on loopback costs next to nothing, and
     * every step of the wait is time before the app's first request can be routed.
     */
    private static final long PORT_POLL_MILLIS = 20;

    /** What the DEA role needs to hear from an instance. */
    interface Listener {
        /** The state changed: publish the status and add or remove the routes. */
        void changed(InstanceRunner instance);

        /** A line the app (source "App") or the DEA about the app (source "DEA") wrote. */
        void log(InstanceRunner instance, String source, String stream, String line);
    }

    /** Why an instance ended before it ran; the message is the crash reason. */
    private static final class StartFailure extends Exception {
        private static final long serialVersionUID = 1L;

        StartFailure(String message) {
            super(message);
        }
    }

    private final InstanceOrder order;
    private final String instanceId;
    private final String deaId;
    private final String address;
    private final int port;
    private final Path home;
    /** Outside the instance directory, which the instance user may write to. */
    private final Path pidFile;
    private final DeaSettings settings;
    private final Sandbox sandbox;
    private final SandboxCgroups cgroups;
    private final DropletCache droplets;
    private final InstancePortPool ports;
    private final Listener listener;
    private final CountDownLatch settled = new CountDownLatch(1);

    private InstanceState state = InstanceState.STARTING;
    private long since = System.currentTimeMillis();
    private Integer exitStatus;
    private String reason;
    private boolean stopRequested;
    private boolean portReleased;
    private Process process;
    private volatile Optional<SandboxCgroup> cgroup = Optional.empty();

    InstanceRunner(InstanceOrder order, String instanceId, String deaId, String address, int port, DeaSettings settings,
                   Sandbox sandbox, SandboxCgroups cgroups, DropletCache droplets, InstancePortPool ports, Listener listener) {
        this.order = order;
        this.instanceId = instanceId;
        this.deaId = deaId;
        this.address = address;
        this.port = port;
        this.home = settings.instancesDir().resolve(instanceId);
        this.pidFile = settings.baseDir().resolve("pids").resolve(instanceId);
        this.settings = settings;
        this.sandbox = sandbox;
        this.cgroups = cgroups;
        this.droplets = droplets;
        this.ports = ports;
        this.listener = listener;
    }

    /** An instance refused before it got anything: listed as CRASHED with the reason until stopped. */
    static InstanceRunner refused(InstanceOrder order, String instanceId, String deaId, String address,
                                  DeaSettings settings, String reason, Listener listener) {
        InstanceRunner runner = new InstanceRunner(order, instanceId, deaId, address, 0, settings, null, null, null,
                null, listener);
        runner.portReleased = true;
        runner.state = InstanceState.CRASHED;
        runner.reason = reason;
        runner.settled.countDown();
        return runner;
    }

    InstanceOrder order() {
        return order;
    }

    String instanceId() {
        return instanceId;
    }

    synchronized InstanceState state() {
        return state;
    }

    /** Whether it holds memory and a port: starting or running. */
    synchronized boolean active() {
        return state == InstanceState.STARTING || state == InstanceState.RUNNING;
    }

    /** Its directory: the droplet and what the app writes. */
    Path home() {
        return home;
    }

    /** Its processes: everything in its cgroups, or without them its process tree; none when not running. */
    synchronized Set<Long> pids() {
        if (cgroup.isPresent()) {
            return cgroup.get().pids();
        }
        if (process == null || !process.isAlive()) {
            return Set.of();
        }
        Set<Long> pids = new TreeSet<>();
        pids.add(process.pid());
        process.descendants().forEach(h -> pids.add(h.pid()));
        return pids;
    }

    synchronized InstanceStatus status() {
        return new InstanceStatus(instanceId, order.appGuid(), order.appVersion(), order.index(), state, deaId, address,
                port, order.memoryMb(), since, exitStatus, reason);
    }

    /** The routes it serves: one per URI while RUNNING, none otherwise. */
    synchronized List<RouteEntry> routes() {
        if (state != InstanceState.RUNNING) {
            return List.of();
        }
        return order.uris().stream().map(InstanceRunner::host).filter(h -> !h.isEmpty()).distinct()
                .map(h -> new RouteEntry(h, address, port, order.appGuid(), instanceId, order.index())).toList();
    }

    /** Every route it may have written, for removal. */
    List<String> routeKeys() {
        return order.uris().stream().map(InstanceRunner::host).filter(h -> !h.isEmpty()).distinct()
                .map(h -> h + "|" + instanceId).toList();
    }

    /** Runs on a worker thread until the instance listens, crashed or was stopped. */
    void start() {
        try {
            Path app = home.resolve("app");
            Files.createDirectories(home.resolve("tmp"));
            Path droplet;
            try {
                droplet = droplets.get(order.dropletUrl());
            } catch (IOException e) {
                throw new StartFailure("could not download the droplet: " + e.getMessage());
            }
            checkNotStopped();
            DropletDescriptor descriptor;
            try {
                DropletUnpacker.unpack(droplet, app);
                descriptor = DropletDescriptor.read(app);
            } catch (IOException e) {
                throw new StartFailure("could not unpack the droplet: " + e.getMessage());
            }
            String command = order.command() != null && !order.command().isBlank() ? order.command()
                    : descriptor.startCommand();
            if (command == null) {
                throw new StartFailure("no start command: the droplet has none and the app sets none");
            }
            Instant started = Instant.now();
            Map<String, String> env = InstanceEnvironment.build(order, instanceId, port, home, app, descriptor,
                    new InstanceEnvironment.Limits(order.memoryMb(), order.diskMb(), settings.fdLimit()), started);
            sandbox.handOver(home, order.appUid());
            cgroup = cgroups.create(instanceId, order.memoryMb(), settings.processLimit());
            for (String hook : descriptor.preRunningHooks()) {
                runHook(hook, app, env);
            }
            launch(command, app, env);
            awaitPort();
        } catch (StartFailure e) {
            failStart(e.getMessage());
        } catch (IOException e) {
            failStart("could not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failStart("the DEA stopped while the instance was starting");
        } catch (RuntimeException e) {
            failStart("could not start: " + e);
        } finally {
            settled.countDown();
        }
    }

    private void checkNotStopped() throws StartFailure {
        synchronized (this) {
            if (stopRequested) {
                throw new StartFailure("stopped while starting");
            }
        }
    }

    private void runHook(String hook, Path app, Map<String, String> env)
            throws IOException, InterruptedException, StartFailure {
        checkNotStopped();
        listener.log(this, "DEA", "stdout", "Running pre-running hook: " + hook);
        Process p = sandbox.start(sandboxed(hook, app, env), true);
        Thread pump = pump(p.getInputStream(), "stdout");
        if (!p.waitFor(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            ProcessTree.terminate(p, sandbox.ownProcessGroup(), Optional.empty(), settings.stopGrace());
            throw new StartFailure("pre-running hook '" + hook + "' did not finish within "
                    + settings.startTimeout().toSeconds() + " s");
        }
        pump.join(2000);
        if (p.exitValue() != 0) {
            throw new StartFailure("pre-running hook '" + hook + "' failed with exit status " + p.exitValue());
        }
    }

    /** Whatever fails once the process runs is reported by {@link #failStart}, which ends the process. */
    private void launch(String command, Path app, Map<String, String> env) throws IOException, StartFailure {
        Sandbox.Launch launch = sandboxed(command, app, env);
        Process started;
        synchronized (this) {
            if (stopRequested) {
                throw new StartFailure("stopped while starting");
            }
            started = sandbox.start(launch, false);
            process = started;
        }
        // drained and watched before anything else can fail: an app blocked on a full pipe, or an exit
        // nobody hears, would leave the instance STARTING forever
        pump(started.getInputStream(), "stdout");
        pump(started.getErrorStream(), "stderr");
        started.onExit().thenRun(() -> exited(started));
        Files.createDirectories(pidFile.getParent());
        Files.writeString(pidFile, started.pid() + " "
                + started.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
        listener.log(this, "DEA", "stdout", "Starting instance " + order.index() + " of " + order.appName()
                + " on port " + port + ": " + command);
    }

    /**
     * The instance's sandbox: its own directory (HOME, TMPDIR, the app) and the directories of its
     * filesystem services are writable, the rest of the node read-only.
     */
    private Sandbox.Launch sandboxed(String command, Path app, Map<String, String> env) {
        List<Path> writable = new java.util.ArrayList<>();
        writable.add(home);
        writable.addAll(VcapServices.directories(order.services()));
        int processLimit = cgroups.limitsProcesses() ? 0 : settings.processLimit();
        return new Sandbox.Launch(order.appUid(), command, env, app, writable, cgroup, settings.fdLimit(), processLimit);
    }

    private void awaitPort() throws InterruptedException {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                if (state != InstanceState.STARTING || stopRequested) {
                    return;
                }
            }
            if (listening()) {
                synchronized (this) {
                    if (state != InstanceState.STARTING || stopRequested || !process.isAlive()) {
                        return;
                    }
                    state = InstanceState.RUNNING;
                    since = System.currentTimeMillis();
                }
                listener.log(this, "DEA", "stdout", "Instance " + order.index() + " is running on port " + port);
                listener.changed(this);
                return;
            }
            Thread.sleep(PORT_POLL_MILLIS);
        }
        failStart("did not listen on port " + port + " within " + settings.startTimeout().toSeconds()
                + " s (the app must listen on $PORT)");
    }

    /**
     * Reports a start that went wrong as a crash. A process already launched is ended first: its port is
     * released with the crash, and nothing may still run on it.
     */
    private void failStart(String why) {
        Process launched;
        synchronized (this) {
            if (state != InstanceState.STARTING || stopRequested) {
                return;
            }
            // CRASHED before the kill, so that the exit it causes is not reported as a crash of its own
            state = InstanceState.CRASHED;
            since = System.currentTimeMillis();
            reason = why;
            launched = process;
        }
        if (launched != null) {
            ProcessTree.terminate(launched, sandbox.ownProcessGroup(), cgroup, settings.stopGrace());
        }
        releaseResources();
        listener.log(this, "DEA", "stderr", "Instance " + order.index() + " crashed: " + why);
        listener.changed(this);
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void exited(Process exitedProcess) {
        synchronized (this) {
            if (stopRequested || state == InstanceState.CRASHED) {
                return;
            }
        }
        int status = exitedProcess.exitValue();
        ProcessTree.killLeftovers(exitedProcess, sandbox.ownProcessGroup(), cgroup);
        boolean oom = cgroup.map(SandboxCgroup::oomKilled).orElse(false);
        String why = oom ? "out of memory: went over its " + order.memoryMb() + " MB limit"
                : describeExit(status);
        crash(status, why);
    }

    static String describeExit(int status) {
        if (status > 128 && status < 160) {
            int signal = status - 128;
            String name = switch (signal) {
                case 9 -> " (SIGKILL)";
                case 15 -> " (SIGTERM)";
                case 6 -> " (SIGABRT)";
                case 11 -> " (SIGSEGV)";
                case 2 -> " (SIGINT)";
                default -> "";
            };
            return "killed by signal " + signal + name;
        }
        return "exited with status " + status;
    }

    private void crash(Integer status, String why) {
        synchronized (this) {
            if (state == InstanceState.CRASHED || state == InstanceState.STOPPED || stopRequested) {
                return;
            }
            state = InstanceState.CRASHED;
            since = System.currentTimeMillis();
            exitStatus = status;
            reason = why;
        }
        releaseResources();
        listener.log(this, "DEA", "stderr", "Instance " + order.index() + " crashed: " + why);
        listener.changed(this);
    }

    /**
     * Ends the instance: its process tree, cgroup and directory. Waits for a start in progress to settle
     * first, so nothing it launches outlives the stop.
     */
    void stop() {
        Process running;
        synchronized (this) {
            stopRequested = true;
        }
        try {
            settled.await(settings.startTimeout().toSeconds() + 360, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            running = process;
        }
        if (running != null && running.isAlive()) {
            ProcessTree.terminate(running, sandbox.ownProcessGroup(), cgroup, settings.stopGrace());
        }
        synchronized (this) {
            state = InstanceState.STOPPED;
            since = System.currentTimeMillis();
        }
        releaseResources();
        deleteHome();
    }

    private void releaseResources() {
        cgroup.ifPresent(SandboxCgroup::remove);
        synchronized (this) {
            if (portReleased) {
                return;
            }
            portReleased = true;
        }
        ports.release(port);
    }

    private void deleteHome() {
        try {
            Files.deleteIfExists(pidFile);
            FileTrees.delete(home);
        } catch (IOException e) {
            listener.log(this, "DEA", "stderr", "Could not remove the instance directory " + home + ": " + e.getMessage());
        }
    }

    private Thread pump(InputStream stream, String name) {
        Thread t = new Thread(() -> {
            try (BoundedLineReader in = new BoundedLineReader(stream)) {
                String line;
                while ((line = in.readLine()) != null) {
                    listener.log(this, "App", name, line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "strato-dea-" + name + "-" + instanceId);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The host of a URI like {@code app.example.com/v2}: routes are by host. */
    private static String host(String uri) {
        String h = uri.trim().toLowerCase(Locale.ROOT);
        h = h.replaceFirst("^[a-z]+://", "");
        int cut = h.indexOf('/');
        return cut < 0 ? h : h.substring(0, cut);
    }
}
