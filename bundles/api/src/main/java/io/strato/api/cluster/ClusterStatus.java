package io.strato.api.cluster;

import io.strato.api.app.AppHealth;
import io.strato.api.app.Channels;
import io.strato.api.app.DeaAdvertisement;
import io.strato.api.app.DesiredApp;
import io.strato.api.app.RouterEndpoint;
import io.strato.api.json.Json;
import io.strato.api.role.RoleState;
import io.strato.api.service.ServiceOffering;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The whole cluster at one moment, as an admin sees it: {@code kato:status} prints it and the controller's
 * {@code GET /v2/cluster} answers it, so both always say the same.
 *
 * @param name          cluster name
 * @param appDomain     the app domain
 * @param primary       the primary's node name, or null when no primary is alive
 * @param localNode     the name of the node that read this
 * @param localReady    whether that node is ready
 * @param healthManager the name of the node whose health manager acts, or null
 * @param nodes         live nodes, sorted by name
 * @param dataServices  every node's data services with their health, by label then node
 * @param routers       every router that serves app traffic, by node name
 * @param warnings      what an admin should act on, one line each
 */
public record ClusterStatus(String name, String appDomain, String primary, String localNode, boolean localReady,
                            String healthManager, List<Node> nodes, List<DataService> dataServices,
                            List<Router> routers, List<String> warnings) {

    public ClusterStatus {
        Objects.requireNonNull(name, "name");
        nodes = List.copyOf(nodes);
        dataServices = List.copyOf(dataServices);
        routers = List.copyOf(routers);
        warnings = List.copyOf(warnings);
    }

    /**
     * One node.
     *
     * @param dea what its DEA advertises, or null when it has none (or it is not advertised yet)
     */
    public record Node(String id, String name, String address, boolean primary, Map<String, RoleState> roles,
                       String version, long lastHeartbeat, Dea dea) {
        public Node {
            roles = Collections.unmodifiableMap(new TreeMap<>(roles));
        }
    }

    /** A DEA's memory reserved by instances out of what it offers, and its instance count. */
    public record Dea(long memoryUsedMb, long memoryTotalMb, int instances) {
        static Dea of(DeaAdvertisement ad) {
            return ad == null ? null : new Dea(ad.memoryTotalMb() - ad.memoryFreeMb(), ad.memoryTotalMb(), ad.instances());
        }
    }

    /** One data service on one node and whether its server answers. */
    public record DataService(String label, String nodeId, String nodeName, boolean up, String detail) {
    }

    /** A router that advertises itself to the cluster: the node it runs on and where it takes app traffic. */
    public record Router(String nodeId, String nodeName, String address, int port) {
    }

    /** Reads the status from the cluster view and the shared maps; {@code shared} may be null (not connected). */
    public static ClusterStatus read(ClusterView cluster, SharedState shared, long nowMillis) {
        List<NodeRecord> records = cluster.nodes();
        Map<String, String> names = new HashMap<>();
        records.forEach(n -> names.put(n.id(), n.name()));
        Map<String, DeaAdvertisement> deas = deas(shared);
        List<Node> nodes = records.stream()
                .map(n -> new Node(n.id(), n.name(), n.address(), n.primary(), n.roles(), n.version(),
                        n.lastHeartbeat(), Dea.of(deas.get(n.id()))))
                .toList();
        String healthManager = shared == null ? null
                : shared.map(Channels.HEALTH_MANAGER_LEASE).get(Lease.KEY).map(id -> names.getOrDefault(id, id)).orElse(null);
        List<DataService> services = readAll(shared, Channels.BROKER_CATALOG, ServiceOffering.class).stream()
                .sorted(Comparator.comparing(ServiceOffering::label).thenComparing(ServiceOffering::nodeId))
                .map(o -> new DataService(o.label(), o.nodeId(), names.getOrDefault(o.nodeId(), o.nodeId()),
                        o.health().up(), o.health().detail()))
                .toList();
        List<Router> routers = routers(shared, names);
        List<String> warnings = new ArrayList<>();
        nodes.stream()
                .filter(n -> n.roles().containsKey("router") && routers.stream().noneMatch(r -> r.nodeId().equals(n.id())))
                .forEach(n -> warnings.add("the router on " + n.name() + " does not serve app traffic (starting, or its port is taken: see its log)"));
        services.stream().filter(s -> !s.up())
                .forEach(s -> warnings.add(s.label() + " on " + s.nodeName() + " is down: " + s.detail()));
        warnings.addAll(cluster.warnings());
        warnings.addAll(appWarnings(shared, nowMillis));
        return new ClusterStatus(cluster.config().name(), cluster.config().appDomain(),
                cluster.primary().map(NodeRecord::name).orElse(null), cluster.localNode().name(), cluster.ready(),
                healthManager, nodes, services, routers, warnings);
    }

    /** Apps the health manager cannot run as wanted: no room, or crashing (FLAPPING). */
    private static List<String> appWarnings(SharedState shared, long now) {
        Map<String, String> appNames = new HashMap<>();
        readAll(shared, Channels.DESIRED_APPS, DesiredApp.class).forEach(d -> appNames.put(d.appGuid(), d.name()));
        List<String> out = new ArrayList<>();
        for (AppHealth h : readAll(shared, Channels.APP_HEALTH, AppHealth.class)) {
            String app = appNames.getOrDefault(h.appGuid(), h.appGuid());
            if (h.problem() != null) {
                out.add("app " + app + " cannot start all instances: " + h.problem());
            }
            for (AppHealth.Flapping f : h.flapping()) {
                out.add("app " + app + " is FLAPPING: instance " + f.index() + " crashed " + f.crashes()
                        + " times, next restart in " + Math.max(0, (f.nextRestartAt() - now + 999) / 1000) + " s");
            }
        }
        return out;
    }

    /** Every advertised router, by node name. */
    private static List<Router> routers(SharedState shared, Map<String, String> names) {
        if (shared == null) {
            return List.of();
        }
        List<Router> out = new ArrayList<>();
        shared.map(Channels.ROUTERS).entries().forEach((nodeId, json) -> {
            try {
                RouterEndpoint e = Json.read(json, RouterEndpoint.class);
                out.add(new Router(nodeId, names.getOrDefault(nodeId, nodeId), e.address(), e.port()));
            } catch (IllegalArgumentException unreadable) {
                // an entry of another version: left out, as in readAll
            }
        });
        out.sort(Comparator.comparing(Router::nodeName));
        return out;
    }

    /** The DEAs' advertisements by DEA id (the node id of their node); none without shared state. */
    private static Map<String, DeaAdvertisement> deas(SharedState shared) {
        Map<String, DeaAdvertisement> out = new HashMap<>();
        readAll(shared, Channels.DEA_ADVERTISEMENTS, DeaAdvertisement.class).forEach(ad -> out.put(ad.deaId(), ad));
        return out;
    }

    /** Every entry of a shared map as {@code type}; entries this version cannot read are left out. */
    private static <T> List<T> readAll(SharedState shared, String map, Class<T> type) {
        return shared == null ? List.of() : shared.map(map).values(type);
    }

    /** This status's entry for a node, if it is alive. */
    public Optional<Node> node(String nodeId) {
        return nodes.stream().filter(n -> n.id().equals(nodeId)).findFirst();
    }
}
