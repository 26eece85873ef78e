package io.strato.api.app;

import java.util.Objects;

/**
 * Progress of a staging task: log lines while it runs, then one final event.
 *
 * @param taskId      the task
 * @param appGuid     the app
 * @param line        a log line, or null on the final event
 * @param done        true on the final event
 * @param success     on the final event: whether a droplet was uploaded
 * @param dropletHash on success: the droplet's SHA-256
 * @param startCommand on success: the command the droplet starts with
 * @param detectedBuildpack on success: the runtime that was detected
 * @param error       on failure: why, in one line
 * @param attempt     the {@link StagingRequest#attempt()} this event belongs to (0 from stagers that predate
 *                    attempts): a controller that sent the task again ignores the outcome of an earlier attempt
 * @param abandoned   on failure: the stager gave the task up because it is stopping, not because staging failed;
 *                    the controller sends it to another stager
 */
public record StagingEvent(String taskId, String appGuid, String line, boolean done, boolean success,
                           String dropletHash, String startCommand, String detectedBuildpack, String error,
                           int attempt, boolean abandoned) {
    public StagingEvent {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(appGuid, "appGuid");
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must not be negative");
        }
    }

    public StagingEvent(String taskId, String appGuid, String line, boolean done, boolean success,
                        String dropletHash, String startCommand, String detectedBuildpack, String error) {
        this(taskId, appGuid, line, done, success, dropletHash, startCommand, detectedBuildpack, error, 0, false);
    }

    /** This event as part of {@code attempt} of its task. */
    public StagingEvent ofAttempt(int attempt) {
        return new StagingEvent(taskId, appGuid, line, done, success, dropletHash, startCommand, detectedBuildpack,
                error, attempt, abandoned);
    }

    /** The stager stops before it could finish: the task is not failed but must be staged elsewhere. */
    public static StagingEvent abandoned(String taskId, String appGuid, String error) {
        return new StagingEvent(taskId, appGuid, null, true, false, null, null, null, error, 0, true);
    }

    public static StagingEvent log(String taskId, String appGuid, String line) {
        return new StagingEvent(taskId, appGuid, line, false, false, null, null, null, null);
    }

    public static StagingEvent succeeded(String taskId, String appGuid, String dropletHash, String startCommand,
                                         String buildpack) {
        return new StagingEvent(taskId, appGuid, null, true, true, dropletHash, startCommand, buildpack, null);
    }

    public static StagingEvent failed(String taskId, String appGuid, String error) {
        return new StagingEvent(taskId, appGuid, null, true, false, null, null, null, error);
    }
}
