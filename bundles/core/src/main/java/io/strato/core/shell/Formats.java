package io.strato.core.shell;

import io.strato.api.cluster.ClusterStatus;
import io.strato.api.role.RoleState;
import io.strato.api.shell.CommandServices;

import java.util.Map;
import java.util.stream.Collectors;

/** How the kato commands print roles, times and DEA capacity. */
final class Formats {

    private Formats() {
    }

    /** What the cluster commands say while Cellar (re)starts: they stay registered and answer this instead. */
    static final String NOT_CONNECTED = CommandServices.NOT_CONNECTED;

    static String roles(Map<String, RoleState> roles) {
        return roles.entrySet().stream()
                .map(e -> e.getValue() == RoleState.ACTIVE ? e.getKey() : e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
    }

    static String ago(long epochMillis) {
        long s = Math.max(0, (System.currentTimeMillis() - epochMillis) / 1000);
        return s < 120 ? s + "s ago" : (s / 60) + "m ago";
    }

    static String primaryFlag(ClusterStatus.Node node) {
        return node.primary() ? "yes" : "";
    }

    /** Memory the DEA's instances reserve out of what it offers: "512/2048 MB"; "-" without a DEA. */
    static String deaMemory(ClusterStatus.Dea dea) {
        return dea == null ? "-" : dea.memoryUsedMb() + "/" + dea.memoryTotalMb() + " MB";
    }

    /** The instances the DEA runs; "-" without a DEA. */
    static String deaInstances(ClusterStatus.Dea dea) {
        return dea == null ? "-" : String.valueOf(dea.instances());
    }
}
