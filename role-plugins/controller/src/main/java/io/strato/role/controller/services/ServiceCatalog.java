package io.strato.role.controller.services;

import io.strato.api.service.ServiceOffering;
import io.strato.api.app.Channels;
import io.strato.api.cluster.SharedState;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The marketplace: every service some node's broker offers now. A service is known by its label across the
 * cluster (several nodes may offer it), so its guid and its plans' guids are derived from the label and plan
 * names and stay the same on every controller and across restarts.
 */
public final class ServiceCatalog {

    /** A service of the marketplace: the label, as the first node offering it describes it. */
    public record Service(String guid, ServiceOffering offering) {
        public String label() {
            return offering.label();
        }
    }

    /** A plan of a marketplace service. */
    public record Plan(String guid, String serviceGuid, String label, ServiceOffering.Plan plan) {
        public String name() {
            return plan.name();
        }
    }

    private final SharedState shared;

    public ServiceCatalog(SharedState shared) {
        this.shared = shared;
    }

    public static String serviceGuid(String label) {
        return UUID.nameUUIDFromBytes(("strato-service:" + label).getBytes(StandardCharsets.UTF_8)).toString();
    }

    public static String planGuid(String label, String plan) {
        return UUID.nameUUIDFromBytes(("strato-plan:" + label + "/" + plan).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Every offering of every node, by node id then label. */
    public List<ServiceOffering> offerings() {
        return shared.map(Channels.BROKER_CATALOG).values(ServiceOffering.class).stream().filter(o -> o.label() != null && o.nodeId() != null && o.brokerUrl() != null)
                .sorted(Comparator.comparing(ServiceOffering::nodeId).thenComparing(ServiceOffering::label)).toList();
    }

    /** One entry per label, sorted by label; a node whose plugin is healthy speaks for the label. */
    public List<Service> services() {
        Map<String, ServiceOffering> byLabel = new LinkedHashMap<>();
        offerings().forEach(o -> byLabel.merge(o.label(), o, (a, b) -> a.health().up() || !b.health().up() ? a : b));
        return byLabel.values().stream().sorted(Comparator.comparing(ServiceOffering::label))
                .map(o -> new Service(serviceGuid(o.label()), o)).toList();
    }

    public Optional<Service> service(String guid) {
        return services().stream().filter(s -> s.guid().equals(guid)).findFirst();
    }

    /** The plans of every service (all nodes' plans of a label together), or of one service. */
    public List<Plan> plans(String serviceGuid) {
        Map<String, Plan> plans = new LinkedHashMap<>();
        for (ServiceOffering o : offerings()) {
            String service = serviceGuid(o.label());
            if (serviceGuid == null || serviceGuid.equals(service)) {
                o.plans().forEach(p -> plans.putIfAbsent(planGuid(o.label(), p.name()),
                        new Plan(planGuid(o.label(), p.name()), service, o.label(), p)));
            }
        }
        return plans.values().stream().sorted(Comparator.comparing(Plan::label).thenComparing(Plan::name)).toList();
    }

    public Optional<Plan> plan(String guid) {
        return plans(null).stream().filter(p -> p.guid().equals(guid)).findFirst();
    }

    /** The nodes whose broker offers this label with this plan. */
    public List<ServiceOffering> offeringsOf(String label, String plan) {
        return offerings().stream().filter(o -> o.label().equals(label) && o.hasPlan(plan)).toList();
    }

    /** Where a node's broker for a label answers now, if the node offers it. */
    public Optional<ServiceOffering> offering(String nodeId, String label) {
        return offerings().stream().filter(o -> o.nodeId().equals(nodeId) && o.label().equals(label)).findFirst();
    }
}
