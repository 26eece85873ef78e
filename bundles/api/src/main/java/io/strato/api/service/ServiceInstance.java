package io.strato.api.service;

import java.util.Map;
import java.util.Objects;

/**
 * A provisioned service instance, as the plugin needs it later to bind and deprovision. The broker
 * stores it (details included) and hands it back; a plugin keeps no state of its own about instances.
 *
 * @param id      instance id (a guid chosen by the controller)
 * @param plan    plan name
 * @param details plugin-private facts: database name, port, generated admin password, ...
 */
public record ServiceInstance(String id, String plan, Map<String, String> details) {
    public ServiceInstance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(plan, "plan");
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
