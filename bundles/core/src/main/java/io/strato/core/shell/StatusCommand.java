package io.strato.core.shell;

import io.strato.api.app.AppHealth;
import io.strato.api.app.Channels;
import io.strato.api.app.DeaAdvertisement;
import io.strato.api.app.DesiredApp;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.Lease;
import io.strato.api.cluster.NodeRecord;
import io.strato.api.cluster.SharedState;
import io.strato.api.service.ServiceOffering;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "kato", name = "status", description = "Cluster-wide status: nodes, their roles and state, the primary, warnings")
@Service
public class StatusCommand implements Action {

    @Reference(optional = true)
    ClusterView cluster;

    @Reference(optional = true)
    SharedState shared;

    @Override
    public Object execute() {
        if (cluster == null) {
            System.out.println("NOT READY: this node is not connected to its cluster (Cellar is starting or restarting)");
            return null;
        }
        List<NodeRecord> nodes = cluster.nodes();
        String primary = cluster.primary().map(NodeRecord::name).orElse("none");
        System.out.println("Cluster " + cluster.config().name() + ": " + nodes.size() + " node(s), primary: " + primary
                + ", app domain: " + cluster.config().appDomain());
        System.out.println("This node: " + cluster.localNode().name() + (cluster.ready() ? " (READY)" : " (NOT READY)"));
        Map<String, DeaAdvertisement> deas = Formats.deas(shared);
        DeaAdvertisement local = deas.get(cluster.localNode().id());
        if (local != null) {
            System.out.println("This node's DEA: " + Formats.deaMemory(local) + " of memory in use, "
                    + local.instances() + " instance(s)");
        } else if (cluster.localNode().roles().containsKey("dea")) {
            System.out.println("This node's DEA: not advertised (starting, or not connected to the cluster)");
        }
        ShellTable table = new ShellTable();
        table.column("Node");
        table.column("Address");
        table.column("Primary");
        table.column("Roles");
        table.column("Heartbeat");
        table.column("DEA memory");
        table.column("Instances");
        for (NodeRecord n : nodes) {
            DeaAdvertisement dea = deas.get(n.id());
            table.addRow().addContent(n.name(), n.address(), Formats.primaryFlag(n), Formats.roles(n.sortedRoles()),
                    Formats.ago(n.lastHeartbeat()), Formats.deaMemory(dea), Formats.deaInstances(dea));
        }
        table.print(System.out);
        Map<String, String> names = new HashMap<>();
        nodes.forEach(n -> names.put(n.id(), n.name()));
        healthManager(names);
        dataServices(names);
        cluster.warnings().forEach(w -> System.out.println("WARNING: " + w));
        appWarnings();
        return null;
    }

    /** Which node's health manager acts, when the cluster has one. */
    private void healthManager(Map<String, String> nodeNames) {
        if (shared == null) {
            return;
        }
        shared.map(Channels.HEALTH_MANAGER_LEASE).get(Lease.KEY).ifPresent(id ->
                System.out.println("Health manager: acting on " + nodeNames.getOrDefault(id, id)));
    }

    /** Each node's data services and whether their servers answer. */
    private void dataServices(Map<String, String> nodeNames) {
        List<ServiceOffering> offerings = Formats.readAll(shared, Channels.BROKER_CATALOG, ServiceOffering.class).stream()
                .sorted(Comparator.comparing(ServiceOffering::label).thenComparing(ServiceOffering::nodeId)).toList();
        if (offerings.isEmpty()) {
            return;
        }
        System.out.println("Data services: " + offerings.stream()
                .map(o -> o.label() + " on " + nodeNames.getOrDefault(o.nodeId(), o.nodeId()) + (o.health().up() ? "" : " (DOWN)"))
                .collect(Collectors.joining(", ")));
        offerings.stream().filter(o -> !o.health().up()).forEach(o -> System.out.println("WARNING: " + o.label()
                + " on " + nodeNames.getOrDefault(o.nodeId(), o.nodeId()) + " is down: " + o.health().detail()));
    }

    /** Apps the health manager cannot run as wanted: no room, or crashing (FLAPPING). */
    private void appWarnings() {
        Map<String, String> appNames = new HashMap<>();
        Formats.readAll(shared, Channels.DESIRED_APPS, DesiredApp.class).forEach(d -> appNames.put(d.appGuid(), d.name()));
        long now = System.currentTimeMillis();
        for (AppHealth h : Formats.readAll(shared, Channels.APP_HEALTH, AppHealth.class)) {
            String app = appNames.getOrDefault(h.appGuid(), h.appGuid());
            if (h.problem() != null) {
                System.out.println("WARNING: app " + app + " cannot start all instances: " + h.problem());
            }
            for (AppHealth.Flapping f : h.flapping()) {
                System.out.println("WARNING: app " + app + " is FLAPPING: instance " + f.index() + " crashed "
                        + f.crashes() + " times, next restart in " + Math.max(0, (f.nextRestartAt() - now + 999) / 1000) + " s");
            }
        }
    }
}
