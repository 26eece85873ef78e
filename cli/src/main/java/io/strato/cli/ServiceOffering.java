package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** A service in the marketplace ({@code /v2/services}), such as postgresql or redis. */
public record ServiceOffering(String guid, String label, String version, String description) {

    public static ServiceOffering from(JsonNode resource) {
        JsonNode e = resource.path("entity");
        return new ServiceOffering(resource.path("metadata").path("guid").asText(),
                e.path("label").asText(),
                e.path("version").asText(""),
                e.path("description").asText(""));
    }
}
