package io.strato.role.controller.services;

import java.util.Objects;

/**
 * An app bound to a service instance.
 *
 * @param credentials what the broker handed out, as JSON text; it goes into VCAP_SERVICES as it is
 */
public record ServiceBinding(String guid, String instanceGuid, String appGuid, String credentials, long createdAt) {
    public ServiceBinding {
        Objects.requireNonNull(guid, "guid");
        Objects.requireNonNull(instanceGuid, "instanceGuid");
        Objects.requireNonNull(appGuid, "appGuid");
        credentials = credentials == null ? "{}" : credentials;
    }
}
