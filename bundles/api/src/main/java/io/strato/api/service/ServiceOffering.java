package io.strato.api.service;

import java.util.List;
import java.util.Objects;

/**
 * One service plugin on one node, as that node's broker advertises it in
 * {@link io.strato.api.app.Channels#BROKER_CATALOG} (key {@link #key()}): what it offers, where its broker
 * answers, and whether its server is healthy now. Controllers build the marketplace from these and
 * provision on a healthy node; {@code kato:status} shows the health.
 *
 * @param health the plugin's {@link ServicePlugin#health()} when last advertised
 */
public record ServiceOffering(String nodeId, String brokerUrl, String label, String version, String description,
                              List<String> tags, List<Plan> plans, ServiceHealth health) {

    public record Plan(String name, String description, boolean free) {
    }

    public ServiceOffering {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(label, "label");
        tags = tags == null ? List.of() : List.copyOf(tags);
        plans = plans == null ? List.of() : List.copyOf(plans);
        description = description == null ? "" : description;
        health = health == null ? ServiceHealth.up("") : health;
    }

    public static ServiceOffering of(String nodeId, String brokerUrl, ServiceCatalogEntry entry, ServiceHealth health) {
        return new ServiceOffering(nodeId, brokerUrl, entry.label(), entry.version(), entry.description(), entry.tags(),
                entry.plans().stream().map(p -> new Plan(p.name(), p.description(), p.free())).toList(), health);
    }

    /** Its key in the catalog map. */
    public String key() {
        return nodeId + "|" + label;
    }

    public boolean hasPlan(String plan) {
        return plans.stream().anyMatch(p -> p.name().equals(plan));
    }
}
