package io.strato.api.app;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the controller wants running for one started app: {@code instances} instances of {@code version}, each
 * started with these settings. Apps that are stopped, deleted or not yet staged have no entry, so their
 * instances must not run. Written by the controller to {@link Channels#DESIRED_APPS}; the health manager makes
 * the DEAs match it.
 *
 * @param appGuid     the app
 * @param name        its name
 * @param version     the app version instances must run (changes with each droplet, start and restart)
 * @param instances   how many instances, indexes 0 to instances - 1
 * @param dropletUrl  where DEAs fetch the droplet: a path on the blob store that any live controller serves
 *                    ({@link BlobLocations}), so that every controller publishes the same value; or an absolute URL
 * @param memoryMb    memory limit per instance
 * @param diskMb      disk quota per instance
 * @param command     the start command; null uses the droplet's own
 * @param uris        routes instances register
 * @param environment user environment plus service variables
 * @param services    VCAP_SERVICES as JSON text
 * @param appUid      the uid the app's code runs as (allocated by the controller, one per app)
 */
public record DesiredApp(String appGuid, String name, String version, int instances, String dropletUrl,
                         long memoryMb, long diskMb, String command, List<String> uris,
                         Map<String, String> environment, String services, int appUid) {
    public DesiredApp {
        Objects.requireNonNull(appGuid, "appGuid");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(dropletUrl, "dropletUrl");
        uris = uris == null ? List.of() : List.copyOf(uris);
        // sorted: every controller writes the same JSON for the same app (Map.copyOf's order differs per JVM)
        environment = environment == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(environment));
    }

    /** The order that starts instance {@code index} of this app on {@code deaId}. */
    public InstanceOrder startOrder(String deaId, int index) {
        return new InstanceOrder(deaId, InstanceOrder.Action.START, appGuid, name, version, index, null, dropletUrl,
                memoryMb, diskMb, command, uris, environment, services, appUid);
    }
}
