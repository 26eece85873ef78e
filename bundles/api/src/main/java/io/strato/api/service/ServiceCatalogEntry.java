package io.strato.api.service;

import java.util.List;
import java.util.Objects;

/**
 * What a plugin offers, as the marketplace shows it.
 *
 * @param label       service label, e.g. "postgresql" (also the key in VCAP_SERVICES)
 * @param version     version of the server it runs, e.g. "14"
 * @param description one line
 * @param tags        e.g. "relational", "key-value"; "relational" makes DATABASE_URL point to it
 * @param plans       at least one plan
 */
public record ServiceCatalogEntry(String label, String version, String description, List<String> tags,
                                  List<ServicePlan> plans) {
    public ServiceCatalogEntry {
        Objects.requireNonNull(label, "label");
        if (!label.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("a service label is lower case letters, digits and dashes: " + label);
        }
        Objects.requireNonNull(version, "version");
        description = description == null ? "" : description;
        tags = tags == null ? List.of() : List.copyOf(tags);
        plans = List.copyOf(plans);
        if (plans.isEmpty()) {
            throw new IllegalArgumentException("service " + label + " has no plan");
        }
    }
}
