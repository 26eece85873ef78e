package io.strato.role.controller.apps;

import io.strato.api.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An app's desired state and what the controller knows of its bits.
 *
 * @param packageHash        SHA-256 of the uploaded zip, null before the first upload
 * @param packageState       PENDING (not yet staged), STAGED, FAILED
 * @param stagingTaskId      the last staging task started for it
 * @param dropletHash        the droplet instances run, null before the first successful staging
 * @param dropletPackageHash the package that droplet was built from; differs from packageHash when newer bits wait
 * @param version            changes with each new droplet and each start, as in Cloud Foundry
 * @param appUid             the uid the app's code runs as on every node, for the app's whole life; 0 until the
 *                           controller has given it one (see {@link AppUids})
 */
public record App(String guid, String name, String spaceGuid, int memory, int instances, int diskQuota,
                  String state, String command, String buildpack, String environmentJson,
                  String packageHash, long packageUpdatedAt, String packageState, String stagingTaskId,
                  String stagingFailedReason, String dropletHash, String dropletPackageHash,
                  String detectedStartCommand, String detectedBuildpack, String version,
                  long createdAt, long updatedAt, int appUid) {

    public static final String STARTED = "STARTED";
    public static final String STOPPED = "STOPPED";
    public static final String PENDING = "PENDING";
    public static final String STAGED = "STAGED";
    public static final String FAILED = "FAILED";

    public App {
        Objects.requireNonNull(guid, "guid");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(spaceGuid, "spaceGuid");
        Objects.requireNonNull(state, "state");
        environmentJson = environmentJson == null ? "{}" : environmentJson;
    }

    /** Whether it has its uid, without which none of its code may run. */
    public boolean hasUid() {
        return appUid > 0;
    }

    public boolean started() {
        return STARTED.equals(state);
    }

    /** Whether its newest bits have no droplet yet. */
    public boolean needsStaging() {
        return packageHash != null && !packageHash.equals(dropletPackageHash);
    }

    /** environment_json as variables: strings as they are, other JSON values as their JSON text. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            Json.mapper().readTree(environmentJson).fields().forEachRemaining(e ->
                    env.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        } catch (java.io.IOException e) {
            // stored by this controller after validation, so unreadable only if edited by hand: run without it
        }
        return env;
    }

    /** The settings a client may change, applied to this app. */
    public App withSettings(String name, String spaceGuid, int memory, int instances, int diskQuota, String state,
                            String command, String buildpack, String environmentJson, String version) {
        return new App(guid, name, spaceGuid, memory, instances, diskQuota, state, command, buildpack, environmentJson,
                packageHash, packageUpdatedAt, packageState, stagingTaskId, stagingFailedReason, dropletHash,
                dropletPackageHash, detectedStartCommand, detectedBuildpack, version, createdAt, updatedAt, appUid);
    }

    /** The same app with another version: its instances are replaced by ones of the new version. */
    public App withVersion(String newVersion) {
        return withSettings(name, spaceGuid, memory, instances, diskQuota, state, command, buildpack, environmentJson,
                newVersion);
    }
}
