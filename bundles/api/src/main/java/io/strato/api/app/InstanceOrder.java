package io.strato.api.app;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An order to one DEA: start an instance of a droplet, or stop instances.
 *
 * @param deaId       the DEA that must act; others ignore the order
 * @param action      START or STOP
 * @param appGuid     the app
 * @param appName     its name
 * @param appVersion  droplet hash (START); for STOP, only instances of this version, or null for all
 * @param index       instance index (START); for STOP the index to stop, or -1 for all
 * @param instanceId  for STOP, one instance, or null
 * @param dropletUrl  where to fetch the droplet (START)
 * @param memoryMb    memory limit (START)
 * @param diskMb      disk quota (START)
 * @param command     the start command; null uses the droplet's own
 * @param uris        routes to register once the port answers
 * @param environment user environment (environment_json) plus service variables
 * @param services    VCAP_SERVICES as JSON text
 * @param appUid      the uid the app's code runs as on every node (START; 0 for STOP)
 */
public record InstanceOrder(String deaId, Action action, String appGuid, String appName, String appVersion, int index,
                            String instanceId, String dropletUrl, long memoryMb, long diskMb, String command,
                            List<String> uris, Map<String, String> environment, String services,
                            int appUid) {

    public enum Action { START, STOP }

    public InstanceOrder {
        Objects.requireNonNull(deaId, "deaId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(appGuid, "appGuid");
        uris = uris == null ? List.of() : List.copyOf(uris);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }
}
