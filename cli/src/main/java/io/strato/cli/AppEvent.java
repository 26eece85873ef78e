package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event of an app from {@code /v2/events} (a crash): when, its type, the instance index, the exit status
 * (null when unknown) and what happened.
 */
public record AppEvent(String timestamp, String type, Integer index, Integer exitStatus, String description) {

    public static AppEvent from(JsonNode resource) {
        JsonNode entity = resource.path("entity");
        JsonNode metadata = entity.path("metadata");
        return new AppEvent(entity.path("timestamp").asText(""), entity.path("type").asText(""),
                metadata.path("index").isNumber() ? metadata.path("index").asInt() : null,
                metadata.path("exit_status").isNumber() ? metadata.path("exit_status").asInt() : null,
                description(metadata));
    }

    /** The exit description, else the reason; {@code cf events} shows the same. */
    private static String description(JsonNode metadata) {
        for (String field : new String[] {"exit_description", "reason"}) {
            if (metadata.path(field).isTextual() && !metadata.path(field).asText().isBlank()) {
                return metadata.path(field).asText();
            }
        }
        return "";
    }

    public String exitStatusText() {
        return exitStatus == null ? "-" : String.valueOf(exitStatus);
    }

    public String indexText() {
        return index == null ? "-" : String.valueOf(index);
    }
}
