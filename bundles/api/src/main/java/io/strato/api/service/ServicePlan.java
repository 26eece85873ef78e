package io.strato.api.service;

import java.util.Objects;

/**
 * One plan of a service, e.g. "free" or "100mb".
 *
 * @param name        plan name, unique within the service
 * @param description one line
 * @param free        whether it costs nothing
 */
public record ServicePlan(String name, String description, boolean free) {
    public ServicePlan {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
    }
}
