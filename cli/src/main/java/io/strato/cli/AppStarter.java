package io.strato.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Starts an app the way a developer watches it happen: asks for STARTED, streams the staging log the
 * controller points to, then polls the instances until one runs or it is clear none will.
 */
public final class AppStarter {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    /** The longest wait between two polls of the instances; the first polls come sooner (see {@link #nextWait}). */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    static final Duration FIRST_WAIT = Duration.ofMillis(50);
    /** How long the instances are polled every {@link #FIRST_WAIT}: most apps run within it. */
    static final Duration QUICK_POLLS = Duration.ofSeconds(1);

    private final ControllerClient controller;
    private final PrintStream out;
    private final Duration timeout;
    private final Duration pollInterval;

    public AppStarter(ControllerClient controller, PrintStream out, Duration timeout, Duration pollInterval) {
        this.controller = controller;
        this.out = out;
        this.timeout = timeout;
        this.pollInterval = pollInterval;
    }

    public AppStarter(ControllerClient controller, PrintStream out) {
        this(controller, out, DEFAULT_TIMEOUT, DEFAULT_POLL_INTERVAL);
    }

    public void start(App app) {
        out.println("Starting '" + app.name() + "'...");
        ApiResponse response = controller.updateApp(app.guid(), Map.of("state", "STARTED"));
        streamStagingLog(response);
        awaitRunning(app);
    }

    public void stop(App app) {
        controller.updateApp(app.guid(), Map.of("state", "STOPPED"));
        out.println("Stopped '" + app.name() + "'");
    }

    /** Prints the staging log when the response says staging began; returns when staging ends. */
    public void streamStagingLog(ApiResponse response) {
        response.header(ControllerClient.STAGING_LOG_HEADER).ifPresent(url -> {
            out.println("Staging...");
            try {
                // the controller sends empty lines while staging is quiet, to notice a client that left
                controller.streamLines(url, line -> {
                    if (!line.isBlank()) {
                        out.println(line);
                    }
                });
            } catch (ApiError e) {
                // A log that is already gone is no reason to fail: the instance poll tells the outcome.
                if (e.status() != 404 && e.status() != 410) {
                    throw e;
                }
                out.println("(the staging log is no longer available)");
            }
        });
    }

    public void awaitRunning(App app) {
        Instant started = Instant.now();
        Instant deadline = started.plus(timeout);
        Duration wait = FIRST_WAIT;
        while (true) {
            Map<String, InstanceState> instances = instancesOrStagingFailure(app);
            long running = instances.values().stream().filter(InstanceState::running).count();
            if (running > 0) {
                out.println("App '" + app.name() + "' is running (" + running + " of " + instances.size() + " instances)");
                return;
            }
            if (!instances.isEmpty() && instances.values().stream().allMatch(InstanceState::failed)) {
                String details = instances.values().stream().map(InstanceState::details).filter(d -> d != null)
                        .findFirst().map(d -> " (" + d + ")").orElse("");
                throw new CliError("App '" + app.name() + "' crashed on start" + details + ": run `strato logs "
                        + app.name() + "` to see why");
            }
            if (Instant.now().isAfter(deadline)) {
                throw new CliError("App '" + app.name() + "' did not start within " + timeout.toSeconds()
                        + "s: run `strato logs " + app.name() + "` and `strato app " + app.name() + "`");
            }
            sleep(wait);
            wait = nextWait(wait, pollInterval, Duration.between(started, Instant.now()));
        }
    }

    /**
     * Polls come every {@link #FIRST_WAIT} for the first {@link #QUICK_POLLS}, then the waits double up to
     * {@code longest}: an instance that starts within a second is seen within 50 ms of running, one that takes
     * minutes costs the controller one request a second.
     */
    static Duration nextWait(Duration previous, Duration longest, Duration waited) {
        if (waited.compareTo(QUICK_POLLS) < 0) {
            return FIRST_WAIT;
        }
        Duration doubled = previous.multipliedBy(2);
        return doubled.compareTo(longest) < 0 ? doubled : longest;
    }

    private Map<String, InstanceState> instancesOrStagingFailure(App app) {
        try {
            return controller.instances(app.guid());
        } catch (ApiError e) {
            if (e.is("CF-StagingError")) {
                throw stagingFailed(app, controller.app(app.guid()).stagingFailedReason(), e.getMessage());
            }
            if (e.is("CF-NotStaged")) {
                App current = controller.app(app.guid());
                if ("FAILED".equals(current.packageState())) {
                    throw stagingFailed(app, current.stagingFailedReason(), e.getMessage());
                }
                return Map.of();
            }
            throw e;
        }
    }

    private static CliError stagingFailed(App app, String reason, String fallback) {
        return new CliError("Staging '" + app.name() + "' failed: " + (reason == null ? fallback : reason)
                + ": fix the app and run `strato push` again");
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliError("Interrupted while waiting for the app to start");
        }
    }
}
