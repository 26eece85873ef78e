package io.strato.core.shell;

import io.strato.api.app.Channels;
import io.strato.api.app.DeaAdvertisement;
import io.strato.api.cluster.NodeRecord;
import io.strato.api.cluster.SharedState;
import io.strato.api.role.RoleState;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** How the kato commands print roles, times and DEA capacity. */
final class Formats {

    private Formats() {
    }

    static String roles(Map<String, RoleState> roles) {
        return roles.entrySet().stream()
                .map(e -> e.getValue() == RoleState.ACTIVE ? e.getKey() : e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
    }

    static String ago(long epochMillis) {
        long s = Math.max(0, (System.currentTimeMillis() - epochMillis) / 1000);
        return s < 120 ? s + "s ago" : (s / 60) + "m ago";
    }

    static String primaryFlag(NodeRecord node) {
        return node.primary() ? "yes" : "";
    }

    /** The DEAs' advertisements by DEA id (the node id of their node); none without shared state. */
    static Map<String, DeaAdvertisement> deas(SharedState shared) {
        Map<String, DeaAdvertisement> out = new HashMap<>();
        readAll(shared, Channels.DEA_ADVERTISEMENTS, DeaAdvertisement.class).forEach(ad -> out.put(ad.deaId(), ad));
        return out;
    }

    /** Every entry of a shared map as {@code type}; entries this version cannot read are left out. */
    static <T> List<T> readAll(SharedState shared, String map, Class<T> type) {
        return shared == null ? List.of() : shared.map(map).values(type);
    }

    /** Memory the DEA's instances reserve out of what it offers: "512/2048 MB"; "-" without a DEA. */
    static String deaMemory(DeaAdvertisement dea) {
        if (dea == null) {
            return "-";
        }
        return (dea.memoryTotalMb() - dea.memoryFreeMb()) + "/" + dea.memoryTotalMb() + " MB";
    }

    /** The instances the DEA runs; "-" without a DEA. */
    static String deaInstances(DeaAdvertisement dea) {
        return dea == null ? "-" : String.valueOf(dea.instances());
    }
}
