package io.strato.core.shell;

import io.strato.api.app.DeaAdvertisement;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.NodeRecord;
import io.strato.api.cluster.SharedState;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import java.util.List;
import java.util.Map;

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
        cluster.warnings().forEach(w -> System.out.println("WARNING: " + w));
        return null;
    }
}
