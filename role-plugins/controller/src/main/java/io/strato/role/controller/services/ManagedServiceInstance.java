package io.strato.role.controller.services;

import java.util.List;
import java.util.Objects;

/**
 * A service instance the controller provisioned (Cloud Foundry's managed service instance).
 *
 * @param nodeId    the node whose broker holds it; node-local services (filesystem) live there
 * @param brokerUrl where that broker answered when it was provisioned
 * @param tags      the service's tags then, for DATABASE_URL and VCAP_SERVICES
 */
public record ManagedServiceInstance(String guid, String name, String spaceGuid, String label, String plan,
                                     List<String> tags, String nodeId, String brokerUrl, long createdAt) {
    public ManagedServiceInstance {
        Objects.requireNonNull(guid, "guid");
        Objects.requireNonNull(name, "name");
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    public String planGuid() {
        return ServiceCatalog.planGuid(label, plan);
    }

    public String serviceGuid() {
        return ServiceCatalog.serviceGuid(label);
    }
}
