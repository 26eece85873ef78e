package io.strato.core.shell;

import io.strato.api.cluster.ClusterStatus;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.SharedState;
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
            System.out.println("NOT READY: " + Formats.NOT_CONNECTED);
            return null;
        }
        ClusterStatus status = ClusterStatus.read(cluster, shared, System.currentTimeMillis());
        System.out.println("Cluster " + status.name() + ": " + status.nodes().size() + " node(s), primary: "
                + (status.primary() == null ? "none" : status.primary()) + ", app domain: " + status.appDomain());
        System.out.println("This node: " + status.localNode() + (status.localReady() ? " (READY)" : " (NOT READY)"));
        ClusterStatus.Dea local = status.node(cluster.localNode().id()).map(ClusterStatus.Node::dea).orElse(null);
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
        for (ClusterStatus.Node n : status.nodes()) {
            table.addRow().addContent(n.name(), n.address(), Formats.primaryFlag(n), Formats.roles(n.roles()),
                    Formats.ago(n.lastHeartbeat()), Formats.deaMemory(n.dea()), Formats.deaInstances(n.dea()));
        }
        table.print(System.out);
        if (status.healthManager() != null) {
            System.out.println("Health manager: acting on " + status.healthManager());
        }
        if (!status.routers().isEmpty()) {
            System.out.println("Routers: " + status.routers().stream()
                    .map(r -> r.nodeName() + " (" + r.address() + ":" + r.port() + ")")
                    .collect(Collectors.joining(", ")));
        }
        if (!status.dataServices().isEmpty()) {
            System.out.println("Data services: " + status.dataServices().stream()
                    .map(s -> s.label() + " on " + s.nodeName() + (s.up() ? "" : " (DOWN)"))
                    .collect(Collectors.joining(", ")));
        }
        status.warnings().forEach(w -> System.out.println("WARNING: " + w));
        return null;
    }
}
