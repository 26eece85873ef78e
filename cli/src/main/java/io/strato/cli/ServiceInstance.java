package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** A provisioned service (a database, a vhost, ...) that apps bind to. */
public record ServiceInstance(String guid, String name, String planGuid) {

    public static ServiceInstance from(JsonNode resource) {
        JsonNode e = resource.path("entity");
        return new ServiceInstance(resource.path("metadata").path("guid").asText(),
                e.path("name").asText(),
                e.path("service_plan_guid").asText());
    }
}
