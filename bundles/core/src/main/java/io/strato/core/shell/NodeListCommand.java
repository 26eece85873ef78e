package io.strato.core.shell;

import io.strato.api.cluster.ClusterStatus;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.SharedState;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "kato", name = "node-list", description = "Lists the live nodes of the cluster")
@Service
public class NodeListCommand implements Action {

    @Reference(optional = true)
    ClusterView cluster;

    @Reference(optional = true)
    SharedState shared;

    @Override
    public Object execute() {
        if (cluster == null) {
            System.out.println(Formats.NOT_CONNECTED);
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("Name");
        table.column("Address");
        table.column("Primary");
        table.column("Version");
        table.column("Heartbeat");
        table.column("DEA memory");
        table.column("Instances");
        for (ClusterStatus.Node n : ClusterStatus.read(cluster, shared, System.currentTimeMillis()).nodes()) {
            table.addRow().addContent(n.id(), n.name(), n.address(), Formats.primaryFlag(n), n.version(),
                    Formats.ago(n.lastHeartbeat()), Formats.deaMemory(n.dea()), Formats.deaInstances(n.dea()));
        }
        table.print(System.out);
        return null;
    }
}
