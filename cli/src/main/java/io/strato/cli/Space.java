package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** A space of an organization: where apps, routes and service instances live. */
public record Space(String guid, String name, String orgGuid) {

    public static Space from(JsonNode resource) {
        JsonNode e = resource.path("entity");
        return new Space(resource.path("metadata").path("guid").asText(), e.path("name").asText(),
                e.path("organization_guid").asText(""));
    }
}
