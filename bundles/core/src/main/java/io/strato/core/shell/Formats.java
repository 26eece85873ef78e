package io.strato.core.shell;

import io.strato.api.cluster.NodeRecord;
import io.strato.api.role.RoleState;

import java.util.Map;
import java.util.stream.Collectors;

/** How the kato commands print roles and times. */
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
}
