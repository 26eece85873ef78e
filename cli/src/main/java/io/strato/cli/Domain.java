package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** A shared domain apps get routes under. */
public record Domain(String guid, String name) {

    public static Domain from(JsonNode resource) {
        return new Domain(resource.path("metadata").path("guid").asText(),
                resource.path("entity").path("name").asText());
    }
}
