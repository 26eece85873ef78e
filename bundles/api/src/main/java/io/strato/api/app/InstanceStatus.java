package io.strato.api.app;

import java.util.Objects;

/**
 * What a DEA reports about one instance it runs (or ran: a crashed instance stays listed until its app
 * is stopped, so the crash is visible).
 *
 * @param instanceId  unique id of this instance
 * @param appGuid     the app
 * @param appVersion  the droplet it runs (its hash); a new droplet means a new version
 * @param index       instance index, 0-based
 * @param state       current state
 * @param deaId       DEA running it
 * @param address     where it listens
 * @param port        its port
 * @param memoryMb    memory reserved for it
 * @param since       when it entered {@code state} (epoch millis)
 * @param exitStatus  exit status when CRASHED or STOPPED, else null
 * @param reason      why it crashed, in words, else null
 */
public record InstanceStatus(String instanceId, String appGuid, String appVersion, int index, InstanceState state,
                             String deaId, String address, int port, long memoryMb, long since,
                             Integer exitStatus, String reason) {
    public InstanceStatus {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(appGuid, "appGuid");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(deaId, "deaId");
    }
}
