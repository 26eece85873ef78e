package io.strato.core.shell;

import io.strato.api.cluster.NodeRecord;
import io.strato.api.role.RoleState;

import java.time.Duration;
import java.time.Instant;
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

    static String ago(Instant then) {
        long s = Math.max(0, Duration.between(then, Instant.now()).getSeconds());
        return s < 120 ? s + "s ago" : (s / 60) + "m ago";
    }

    static String primaryFlag(NodeRecord node) {
        return node.primary() ? "yes" : "";
    }
}
