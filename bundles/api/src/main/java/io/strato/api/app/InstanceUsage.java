package io.strato.api.app;

import java.util.Objects;

/**
 * What one running instance uses, as its DEA last measured it (Cloud Foundry's instance stats {@code usage}).
 *
 * @param instanceId the instance
 * @param appGuid    its app
 * @param cpu        share of one CPU core used since the previous measurement (0.25 = a quarter of a core)
 * @param memBytes   resident memory of all its processes
 * @param diskBytes  size of its directory (the droplet and what the app wrote)
 * @param time       when it was measured (epoch millis)
 */
public record InstanceUsage(String instanceId, String appGuid, double cpu, long memBytes, long diskBytes, long time) {
    public InstanceUsage {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(appGuid, "appGuid");
    }
}
