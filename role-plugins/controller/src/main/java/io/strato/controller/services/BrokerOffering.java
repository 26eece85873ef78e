package io.strato.controller.services;

import java.util.List;

/**
 * One service plugin on one node, as its broker advertises it in
 * {@link io.strato.api.app.Channels#BROKER_CATALOG}.
 */
public record BrokerOffering(String nodeId, String brokerUrl, String label, String version, String description,
                             List<String> tags, List<Plan> plans) {

    public record Plan(String name, String description, boolean free) {
    }

    public BrokerOffering {
        tags = tags == null ? List.of() : List.copyOf(tags);
        plans = plans == null ? List.of() : List.copyOf(plans);
        description = description == null ? "" : description;
    }

    public boolean hasPlan(String plan) {
        return plans.stream().anyMatch(p -> p.name().equals(plan));
    }
}
