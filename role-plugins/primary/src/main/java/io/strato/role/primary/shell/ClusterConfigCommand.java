package io.strato.role.primary.shell;

import io.strato.api.cluster.ClusterConfig;
import io.strato.api.shell.CommandServices;
import io.strato.role.primary.ClusterConfigKeeper;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "kato", name = "cluster-config", description = "Shows or changes the cluster name and app domain (on the primary node)")
@Service
public class ClusterConfigCommand implements Action {

    /** The primary role itself: gone while it starts, or while this node is not connected to its cluster. */
    static final String UNAVAILABLE = "the primary role is not running on this node right now (it is starting, or this node "
            + "is not connected to its cluster); kato:status says why";

    @Reference(optional = true)
    ClusterConfigKeeper keeper;

    @Option(name = "--name", description = "New cluster name")
    String name;

    @Option(name = "--domain", description = "New app domain: apps answer at http://<app>.<domain>")
    String domain;

    @Override
    public Object execute() throws Exception {
        ClusterConfigKeeper keeper = CommandServices.require(this.keeper, UNAVAILABLE);
        ClusterConfig config = name == null && domain == null ? keeper.current() : keeper.update(name, domain);
        System.out.println("Cluster name: " + config.name());
        System.out.println("App domain:   " + config.appDomain());
        return null;
    }
}
