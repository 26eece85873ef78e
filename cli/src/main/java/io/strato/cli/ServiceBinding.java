package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** The link that puts a service instance's credentials into an app's VCAP_SERVICES. */
public record ServiceBinding(String guid, String appGuid, String serviceInstanceGuid) {

    public static ServiceBinding from(JsonNode resource) {
        JsonNode e = resource.path("entity");
        return new ServiceBinding(resource.path("metadata").path("guid").asText(),
                e.path("app_guid").asText(),
                e.path("service_instance_guid").asText());
    }
}
