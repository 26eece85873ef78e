package io.strato.role.controller.apps;

import io.strato.api.app.Channels;
import io.strato.api.app.LogLine;
import io.strato.api.app.StagerAdvertisement;
import io.strato.api.app.StagingEvent;
import io.strato.api.app.StagingRequest;
import io.strato.api.cluster.Registration;
import io.strato.api.cluster.SharedState;
import io.strato.api.json.Json;
import io.strato.role.controller.blob.BlobStore;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an app's new package to the least busy stager and records the outcome: on success the droplet
 * becomes the app's (and {@code onStaged} publishes its desired state); on failure the app's package is FAILED and
 * instances of the previous droplet keep running. A stager that leaves the cluster (or stops) during staging does
 * not fail the task: it is sent to another live stager, up to {@value #MAX_ATTEMPTS} attempts in all, and each
 * attempt has its number, so that a late outcome of an earlier attempt is ignored. Every task's log is buffered
 * for the staging log stream. When the controller that started a task is gone (it left the cluster, or lost the
 * task in a restart), whichever live controller hears the outcome records it: the database records an outcome once.
 */
public final class StagingDispatcher implements AutoCloseable {

    public static final String NO_STAGER = "no stager is available in the cluster";
    static final String NO_UID = "the app has no uid to run as: every uid of the controller's app uid range is taken";
    static final Duration TIMEOUT = Duration.ofMinutes(15);
    static final String INTERRUPTED = "Staging interrupted: the controller stopped";
    /** Stagers one task is sent to at most, the first included. */
    static final int MAX_ATTEMPTS = 3;
    private static final Duration LOG_RETENTION = Duration.ofMinutes(10);
    /**
     * How long the outcome of another controller's task is kept in case that controller turns out to be gone: its
     * blob store entry outlives it by up to {@link Channels#OWNED_TTL}.
     */
    static final Duration ORPHAN_WAIT = Channels.OWNED_TTL.multipliedBy(3);
    private static final int MAX_ORPHANS = 1000;
    private static final int MAX_LOGS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(StagingDispatcher.class);

    /** One attempt of a task: the stager it was sent to and the request, to send it again elsewhere. */
    private record Task(String taskId, String appGuid, String packageHash, String stagerId, String stagerNode,
                        long startedAt, StagingRequest request) {
        int attempt() {
            return request.attempt();
        }

        /** Whether an event of {@code attempt} is this attempt's (stagers that predate attempts send 0: taken). */
        boolean isOf(int attempt) {
            return attempt == attempt() || attempt == 0;
        }
    }

    /** An outcome of a task this controller did not start (or no longer knows), and when it was heard. */
    private record Outcome(StagingEvent event, long heardAt) {
    }

    private final SharedState shared;
    private final String controllerId;
    private final AppStore apps;
    private final BlobStore blobs;
    private final LogBuffer logs;
    private final Consumer<String> onStaged;
    private final Map<String, Task> active = new ConcurrentHashMap<>();
    private final Map<String, StagingLog> taskLogs = new LinkedHashMap<>();
    private final Map<String, Outcome> othersOutcomes = new ConcurrentHashMap<>();
    private final Registration subscription;

    /**
     * @param controllerId this controller's node id, under which it publishes its blob store in
     *                     {@link Channels#BLOBSTORE} while it lives
     */
    public StagingDispatcher(SharedState shared, String controllerId, AppStore apps, BlobStore blobs, LogBuffer logs,
                             Consumer<String> onStaged) {
        this.shared = shared;
        this.controllerId = controllerId;
        this.apps = apps;
        this.blobs = blobs;
        this.logs = logs;
        this.onStaged = onStaged;
        this.subscription = shared.topic(Channels.STAGING_EVENTS).subscribe(this::received);
    }

    /**
     * Stages the app's newest bits if it is started and they have no droplet yet.
     *
     * @return the staging task whose log the client can follow (an already running one for the same bits)
     */
    public Optional<String> stageIfNeeded(App app) {
        if (!app.started() || !app.needsStaging()) {
            return Optional.empty();
        }
        for (Task t : active.values()) {
            if (t.appGuid().equals(app.guid()) && t.packageHash().equals(app.packageHash())) {
                return Optional.of(t.taskId());
            }
        }
        return Optional.of(start(app));
    }

    /** The log of a task this controller started or saw events of. */
    public Optional<StagingLog> log(String taskId) {
        synchronized (taskLogs) {
            return Optional.ofNullable(taskLogs.get(taskId));
        }
    }

    /** The path a stager fetches the app's package from, on any controller. */
    public static String packagePath(String appGuid) {
        return "/internal/v2/packages/" + appGuid;
    }

    /** The path a stager stores the app's droplet at, on any controller. */
    public static String dropletUploadPath(String appGuid) {
        return "/internal/v2/droplets/" + appGuid;
    }

    private String start(App app) {
        String taskId = UUID.randomUUID().toString();
        StagingLog log = logOf(taskId, app.guid());
        apps.stagingStarted(app.guid(), taskId, controllerId, app.packageHash());
        Optional<StagerAdvertisement> stager = leastBusyStager(null);
        StagingRequest request = new StagingRequest(taskId, stager.map(StagerAdvertisement::stagerId).orElse("none"),
                app.guid(), app.name(), packagePath(app.guid()), dropletUploadPath(app.guid()), app.buildpack(),
                app.command(), app.environment(), app.memory(), app.appUid(), 1);
        Task task = new Task(taskId, app.guid(), app.packageHash(), request.stagerId(),
                stager.map(StagerAdvertisement::nodeName).orElse(null), System.currentTimeMillis(), request);
        if (stager.isEmpty()) {
            fail(task, NO_STAGER);
            return taskId;
        }
        if (!app.hasUid()) {
            fail(task, NO_UID);
            return taskId;
        }
        active.put(taskId, task);
        log.append("Staging " + app.name() + " on " + stager.get().nodeName());
        shared.topic(Channels.STAGING_REQUESTS).publish(Json.write(request));
        return taskId;
    }

    /** The least busy live stager, other than {@code except}. */
    private Optional<StagerAdvertisement> leastBusyStager(String except) {
        Map<String, Long> ours = new ConcurrentHashMap<>();
        active.values().forEach(t -> ours.merge(String.valueOf(t.stagerId()), 1L, Long::sum));
        return shared.map(Channels.STAGER_ADVERTISEMENTS).values(StagerAdvertisement.class).stream()
                .filter(s -> !s.stagerId().equals(except))
                // tasks this controller just sent are not yet in the stager's advertisement
                .min(Comparator.comparingLong((StagerAdvertisement s) -> s.activeTasks() + ours.getOrDefault(s.stagerId(), 0L))
                        .thenComparing(StagerAdvertisement::stagerId));
    }

    private void received(String message) {
        StagingEvent event;
        try {
            event = Json.read(message, StagingEvent.class);
        } catch (IllegalArgumentException e) {
            LOG.debug("ignoring an unreadable staging event: {}", e.getMessage());
            return;
        }
        StagingLog log = logOf(event.taskId(), event.appGuid());
        Task task = active.get(event.taskId());
        // an earlier attempt's stager that comes back late: its lines and outcome are no longer the task's
        if ((task != null && !task.isOf(event.attempt())) || !log.attempt(event.attempt())) {
            LOG.debug("ignoring an event of attempt {} of staging task {}", event.attempt(), event.taskId());
            return;
        }
        // a later attempt's event: an outcome heard of an earlier attempt of another controller's task is void
        othersOutcomes.computeIfPresent(event.taskId(), (id, o) -> o.event().attempt() < event.attempt() ? null : o);
        if (!event.done()) {
            String line = event.line() == null ? "" : event.line();
            log.append(line);
            logs.add(new LogLine(event.appGuid(), System.currentTimeMillis(), "STG", -1, "stdout", line));
            return;
        }
        if (task == null) {
            // another controller's task: its owner records the outcome, unless it is gone
            if (!event.abandoned()) {
                log.finish(event.success() ? "Staging succeeded" : "Staging failed: " + event.error());
            }
            if (othersOutcomes.size() < MAX_ORPHANS) {
                othersOutcomes.put(event.taskId(), new Outcome(event, System.currentTimeMillis()));
                recordOrphans();
            }
            return;
        }
        if (event.abandoned()) {
            stageElsewhere(task, "stopped during staging");
        } else if (!active.remove(event.taskId(), task)) {
            // tick sent the task elsewhere, or failed it, just now: it decided
        } else if (event.success()) {
            succeed(task, event);
        } else {
            fail(task, event.error() == null ? "staging failed" : event.error());
        }
    }

    private void succeed(Task task, StagingEvent event) {
        if (blobs.droplet(task.appGuid(), event.dropletHash()).isEmpty()) {
            fail(task, "the stager reported droplet " + event.dropletHash() + " but did not upload it");
            return;
        }
        boolean current = apps.staged(task.appGuid(), task.taskId(), task.packageHash(), event.dropletHash(),
                event.startCommand(), event.detectedBuildpack());
        finish(task, "Staging succeeded");
        if (current) {
            onStaged.accept(task.appGuid());
        }
    }

    private void fail(Task task, String reason) {
        active.remove(task.taskId());
        apps.stagingFailed(task.appGuid(), task.taskId(), reason);
        finish(task, "Staging failed: " + reason);
    }

    private void finish(Task task, String line) {
        logOf(task.taskId(), task.appGuid()).finish(line);
        logs.add(new LogLine(task.appGuid(), System.currentTimeMillis(), "STG", -1, "stdout", line));
    }

    /**
     * Sends the task to another live stager because its stager {@code happened} (left, stopped); fails it when
     * no other stager is left or it had its attempts. Whoever changes the task in {@link #active} first decides:
     * an outcome that arrives meanwhile, or another tick.
     */
    private void stageElsewhere(Task task, String happened) {
        String who = "Stager on " + (task.stagerNode() == null ? task.stagerId() : task.stagerNode());
        Optional<StagerAdvertisement> next = task.attempt() >= MAX_ATTEMPTS ? Optional.empty()
                : leastBusyStager(task.stagerId());
        if (next.isEmpty()) {
            if (active.remove(task.taskId(), task)) {
                String reason = (who + " " + happened).replaceFirst("^Stager", "the stager")
                        + (task.attempt() >= MAX_ATTEMPTS ? ", and the task was sent to " + MAX_ATTEMPTS + " stagers already"
                        : ", and no other stager is available");
                LOG.warn("Staging of app {} ({}) failed: {}", task.request().appName(), task.appGuid(), reason);
                fail(task, reason);
            }
            return;
        }
        StagingRequest r = task.request();
        StagingRequest again = new StagingRequest(r.taskId(), next.get().stagerId(), r.appGuid(), r.appName(),
                r.packageUrl(), r.dropletUrl(), r.buildpack(), r.command(), r.environment(), r.memoryMb(), r.appUid(),
                r.attempt() + 1);
        Task retry = new Task(task.taskId(), task.appGuid(), task.packageHash(), again.stagerId(), next.get().nodeName(),
                System.currentTimeMillis(), again);
        if (!active.replace(task.taskId(), task, retry)) {
            return;
        }
        String line = who + " " + happened + "; staging again on " + next.get().nodeName();
        LOG.info("Staging of app {} ({}): {} (attempt {} of {})", r.appName(), r.appGuid(), line, again.attempt(),
                MAX_ATTEMPTS);
        // through the topic, so every controller's copy of the log has it and drops the earlier attempt's events
        shared.topic(Channels.STAGING_EVENTS).publish(Json.write(
                StagingEvent.log(task.taskId(), task.appGuid(), line).ofAttempt(again.attempt())));
        shared.topic(Channels.STAGING_REQUESTS).publish(Json.write(again));
    }

    /**
     * Records the outcomes heard of tasks whose controller is gone: a success gives the app its droplet, a failure
     * fails it, and a task its stager gave up is staged again here. Outcomes of tasks that are no longer the
     * app's current pending one (their live controller recorded them, or the app was staged again) are dropped.
     */
    private void recordOrphans() {
        long now = System.currentTimeMillis();
        for (Map.Entry<String, Outcome> entry : othersOutcomes.entrySet()) {
            StagingEvent event = entry.getValue().event();
            Optional<AppStore.StagingTask> current = apps.pendingStagingTask(event.appGuid())
                    .filter(t -> t.taskId().equals(event.taskId()));
            if (current.isEmpty() || now - entry.getValue().heardAt() > ORPHAN_WAIT.toMillis()) {
                othersOutcomes.remove(entry.getKey(), entry.getValue());
                continue;
            }
            String owner = current.get().controller();
            boolean ownerGone = owner == null || owner.equals(controllerId)
                    || shared.map(Channels.BLOBSTORE).get(owner).isEmpty();
            if (ownerGone && othersOutcomes.remove(entry.getKey(), entry.getValue())) {
                recordOrphan(event, current.get());
            }
        }
    }

    private void recordOrphan(StagingEvent event, AppStore.StagingTask task) {
        String owner = task.controller() == null ? "an earlier controller" : "the controller on " + task.controller();
        if (event.success()) {
            if (blobs.droplet(event.appGuid(), event.dropletHash()).isPresent()
                    && apps.staged(event.appGuid(), event.taskId(), task.packageHash(), event.dropletHash(),
                    event.startCommand(), event.detectedBuildpack())) {
                LOG.info("Staging of app {} succeeded after {}, which started it, left: recorded here", event.appGuid(), owner);
                onStaged.accept(event.appGuid());
            }
        } else if (event.abandoned()) {
            String reason = "the stager stopped during staging, and " + owner + ", which started it, is gone";
            if (apps.stagingFailed(event.appGuid(), event.taskId(), reason)) {
                LOG.info("Staging of app {}: {}; staging again from here", event.appGuid(), reason);
                apps.find(event.appGuid()).ifPresent(this::stageIfNeeded);
            }
        } else if (apps.stagingFailed(event.appGuid(), event.taskId(), event.error() == null ? "staging failed" : event.error())) {
            LOG.info("Staging of app {} failed after {}, which started it, left: recorded here", event.appGuid(), owner);
        }
    }

    /**
     * Sends tasks whose stager left to another stager, fails tasks that ran too long, records outcomes of tasks
     * whose controller is gone, and forgets old logs. Called periodically.
     */
    public void tick() {
        recordOrphans();
        long now = System.currentTimeMillis();
        Map<String, String> stagers = shared.map(Channels.STAGER_ADVERTISEMENTS).entries();
        for (Task t : active.values()) {
            if (!stagers.containsKey(t.stagerId())) {
                stageElsewhere(t, "left during staging");
            } else if (now - t.startedAt() > TIMEOUT.toMillis() && active.remove(t.taskId(), t)) {
                // received() may have completed the task since the loop read it: only whoever removes it decides
                fail(t, "staging took longer than " + TIMEOUT.toMinutes() + " minutes");
            }
        }
        synchronized (taskLogs) {
            taskLogs.values().removeIf(l -> l.done() && now - l.finishedAt() > LOG_RETENTION.toMillis());
        }
    }

    private StagingLog logOf(String taskId, String appGuid) {
        synchronized (taskLogs) {
            StagingLog log = taskLogs.computeIfAbsent(taskId, k -> new StagingLog(appGuid));
            var it = taskLogs.entrySet().iterator();
            while (taskLogs.size() > MAX_LOGS && it.hasNext()) {
                it.next();
                it.remove();
            }
            return log;
        }
    }

    /** Ends every log still open, so their readers stop waiting for events that no longer come. */
    @Override
    public void close() {
        subscription.close();
        synchronized (taskLogs) {
            taskLogs.values().forEach(l -> l.finish(INTERRUPTED));
        }
    }
}
