package io.strato.controller.apps;

import io.strato.api.app.Channels;
import io.strato.api.app.LogLine;
import io.strato.api.app.StagerAdvertisement;
import io.strato.api.app.StagingEvent;
import io.strato.api.app.StagingRequest;
import io.strato.api.cluster.Registration;
import io.strato.api.cluster.SharedState;
import io.strato.api.json.Json;
import io.strato.controller.blob.BlobStore;
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
 * instances of the previous droplet keep running. Every task's log is buffered for the staging log stream.
 */
public final class StagingDispatcher implements AutoCloseable {

    public static final String NO_STAGER = "no stager is available in the cluster";
    static final String NO_UID = "the app has no uid to run as: every uid of the controller's app uid range is taken";
    static final Duration TIMEOUT = Duration.ofMinutes(15);
    static final String INTERRUPTED = "Staging interrupted: the controller stopped";
    private static final Duration LOG_RETENTION = Duration.ofMinutes(10);
    private static final int MAX_LOGS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(StagingDispatcher.class);

    private record Task(String taskId, String appGuid, String packageHash, String stagerId, long startedAt) {
    }

    private final SharedState shared;
    private final AppStore apps;
    private final BlobStore blobs;
    private final LogBuffer logs;
    private final String baseUrl;
    private final Consumer<String> onStaged;
    private final Map<String, Task> active = new ConcurrentHashMap<>();
    private final Map<String, StagingLog> taskLogs = new LinkedHashMap<>();
    private final Registration subscription;

    public StagingDispatcher(SharedState shared, AppStore apps, BlobStore blobs, LogBuffer logs, String baseUrl,
                             Consumer<String> onStaged) {
        this.shared = shared;
        this.apps = apps;
        this.blobs = blobs;
        this.logs = logs;
        this.baseUrl = baseUrl;
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

    private String start(App app) {
        String taskId = UUID.randomUUID().toString();
        StagingLog log = logOf(taskId, app.guid());
        apps.stagingStarted(app.guid(), taskId);
        Optional<StagerAdvertisement> stager = leastBusyStager();
        Task task = new Task(taskId, app.guid(), app.packageHash(), stager.map(StagerAdvertisement::stagerId).orElse(null),
                System.currentTimeMillis());
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
        StagingRequest request = new StagingRequest(taskId, stager.get().stagerId(), app.guid(), app.name(),
                baseUrl + "/internal/v2/packages/" + app.guid(), baseUrl + "/internal/v2/droplets/" + app.guid(),
                app.buildpack(), app.command(), app.environment(), app.memory(), app.appUid());
        shared.topic(Channels.STAGING_REQUESTS).publish(Json.write(request));
        return taskId;
    }

    private Optional<StagerAdvertisement> leastBusyStager() {
        Map<String, Long> ours = new ConcurrentHashMap<>();
        active.values().forEach(t -> ours.merge(String.valueOf(t.stagerId()), 1L, Long::sum));
        return shared.map(Channels.STAGER_ADVERTISEMENTS).values(StagerAdvertisement.class).stream()
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
        if (!event.done()) {
            String line = event.line() == null ? "" : event.line();
            log.append(line);
            logs.add(new LogLine(event.appGuid(), System.currentTimeMillis(), "STG", -1, "stdout", line));
            return;
        }
        Task task = active.remove(event.taskId());
        if (task == null) {
            // another controller's task: only its log is ours to keep
            log.finish(event.success() ? "Staging succeeded" : "Staging failed: " + event.error());
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

    /** Fails tasks whose stager left or that ran too long, and forgets old logs. Called periodically. */
    public void tick() {
        long now = System.currentTimeMillis();
        Map<String, String> stagers = shared.map(Channels.STAGER_ADVERTISEMENTS).entries();
        for (Task t : active.values()) {
            String reason = !stagers.containsKey(t.stagerId()) ? "the stager left the cluster during staging"
                    : now - t.startedAt() > TIMEOUT.toMillis() ? "staging took longer than " + TIMEOUT.toMinutes() + " minutes"
                    : null;
            // received() may have completed the task since the loop read it: only whoever removes it decides
            if (reason != null && active.remove(t.taskId(), t)) {
                fail(t, reason);
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
