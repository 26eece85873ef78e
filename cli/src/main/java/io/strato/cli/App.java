package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** An app as the controller describes it ({@code /v2/apps} entity). */
public record App(String guid, String name, String state, String packageState, int instances, int memory,
                  int diskQuota, String command, String stagingFailedReason) {

    public static App from(JsonNode resource) {
        JsonNode e = resource.path("entity");
        return new App(resource.path("metadata").path("guid").asText(),
                e.path("name").asText(),
                e.path("state").asText("STOPPED"),
                e.path("package_state").asText("PENDING"),
                e.path("instances").asInt(1),
                e.path("memory").asInt(),
                e.path("disk_quota").asInt(),
                text(e, "command"),
                text(e, "staging_failed_reason"));
    }

    public boolean started() {
        return "STARTED".equals(state);
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }
}
