package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** One plan of a service offering. */
public record ServicePlan(String guid, String name, String serviceGuid) {

    public static ServicePlan from(JsonNode resource) {
        JsonNode e = resource.path("entity");
        return new ServicePlan(resource.path("metadata").path("guid").asText(),
                e.path("name").asText(),
                e.path("service_guid").asText());
    }
}
