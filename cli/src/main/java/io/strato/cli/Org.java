package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** An organization: owns spaces, has a quota. */
public record Org(String guid, String name, String quotaGuid, String status) {

    public static Org from(JsonNode resource) {
        JsonNode e = resource.path("entity");
        return new Org(resource.path("metadata").path("guid").asText(), e.path("name").asText(),
                e.path("quota_definition_guid").asText(""), e.path("status").asText(""));
    }
}
