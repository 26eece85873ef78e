package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** A quota definition: the limits of the orgs it is set on (memory in megabytes, -1 unlimited). */
public record Quota(String guid, String name, long memoryLimit, long instanceMemoryLimit, long routes,
                    long services, long appInstances, boolean paidServicePlans) {

    public static Quota from(JsonNode resource) {
        JsonNode e = resource.path("entity");
        return new Quota(resource.path("metadata").path("guid").asText(), e.path("name").asText(),
                e.path("memory_limit").asLong(0), e.path("instance_memory_limit").asLong(-1),
                e.path("total_routes").asLong(-1), e.path("total_services").asLong(-1),
                e.path("app_instance_limit").asLong(-1), e.path("non_basic_services_allowed").asBoolean(false));
    }
}
