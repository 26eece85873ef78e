package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One instance's state from {@code /v2/apps/:guid/instances}; {@code since} is epoch seconds and
 * {@code details} the controller's reason for a crash, when it gives one.
 */
public record InstanceState(String state, long since, String details) {

    public static InstanceState from(JsonNode node) {
        return new InstanceState(node.path("state").asText("UNKNOWN"), node.path("since").asLong(),
                node.path("details").isTextual() ? node.path("details").asText() : null);
    }

    public boolean running() {
        return "RUNNING".equals(state);
    }

    public boolean failed() {
        return "CRASHED".equals(state) || "FLAPPING".equals(state);
    }
}
