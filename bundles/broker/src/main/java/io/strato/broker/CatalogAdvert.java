package io.strato.broker;

import io.strato.api.service.ServiceCatalogEntry;
import java.util.List;

/**
 * One plugin as a broker advertises it in {@link io.strato.api.app.Channels#BROKER_CATALOG}, so a controller
 * on any node knows which node offers which service and where its broker answers.
 */
record CatalogAdvert(String nodeId, String brokerUrl, String label, String version, String description,
                     List<String> tags, List<Plan> plans) {

    record Plan(String name, String description, boolean free) {
    }

    static CatalogAdvert of(String nodeId, String brokerUrl, ServiceCatalogEntry entry) {
        return new CatalogAdvert(nodeId, brokerUrl, entry.label(), entry.version(), entry.description(), entry.tags(),
                entry.plans().stream().map(p -> new Plan(p.name(), p.description(), p.free())).toList());
    }

    String key() {
        return nodeId + "|" + label;
    }
}
