package io.strato.api.app;

import java.util.Map;
import java.util.Objects;

/**
 * A staging task for one stager.
 *
 * @param taskId      unique id; the stager's {@link StagingEvent}s carry it
 * @param stagerId    the stager that must take it; others ignore it
 * @param appGuid     the app
 * @param appName     its name
 * @param packageUrl  where to fetch the app bits (zip): a path on the blob store that any live controller serves
 *                    ({@link BlobLocations}), or an absolute URL
 * @param dropletUrl  where to PUT the droplet (tar.gz): a path or an absolute URL, as {@code packageUrl}
 * @param buildpack   requested runtime, or null to detect
 * @param command     the app's explicit start command, or null
 * @param environment the app's environment_json
 * @param memoryMb    the app's memory limit (used for staging too)
 * @param appUid      the uid staging runs as: the app's own (allocated by the controller)
 * @param attempt     1 for the first stager asked, one more each time the controller sends the task to another
 *                    stager because the one before left; the stager's events carry it
 */
public record StagingRequest(String taskId, String stagerId, String appGuid, String appName, String packageUrl,
                             String dropletUrl, String buildpack, String command, Map<String, String> environment,
                             long memoryMb, int appUid, int attempt) {
    public StagingRequest(String taskId, String stagerId, String appGuid, String appName, String packageUrl,
                          String dropletUrl, String buildpack, String command, Map<String, String> environment,
                          long memoryMb, int appUid) {
        this(taskId, stagerId, appGuid, appName, packageUrl, dropletUrl, buildpack, command, environment, memoryMb,
                appUid, 1);
    }

    public StagingRequest {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(stagerId, "stagerId");
        Objects.requireNonNull(appGuid, "appGuid");
        Objects.requireNonNull(packageUrl, "packageUrl");
        Objects.requireNonNull(dropletUrl, "dropletUrl");
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }
}
