package io.strato.core.shell;

import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.NodeRecord;
import io.strato.api.role.RoleInfo;
import io.strato.api.role.RoleService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.util.stream.Collectors;

@Command(scope = "kato", name = "info", description = "This node: identity, assigned and available roles")
@Service
public class InfoCommand implements Action {

    @Reference
    RoleService roles;

    @Reference(optional = true)
    ClusterView cluster;

    @Override
    public Object execute() {
        if (cluster != null) {
            NodeRecord me = cluster.localNode();
            System.out.println("Node:      " + me.name() + " (" + me.id() + ")");
            System.out.println("Address:   " + me.address());
            System.out.println("Version:   " + me.version());
            System.out.println("Cluster:   " + cluster.config().name() + (me.primary() ? " (this node is the primary)" : ""));
            System.out.println("Ready:     " + (cluster.ready() ? "yes" : "NO"));
        } else {
            System.out.println("Cluster:   " + Formats.NOT_CONNECTED);
        }
        System.out.println("Assigned:  " + roles.roles().stream().filter(RoleInfo::installed)
                .map(r -> r.name() + r.state().map(s -> s.name().equals("ACTIVE") ? "" : " (" + s + ")").orElse(""))
                .collect(Collectors.joining(", ")));
        System.out.println("Available: " + roles.roles().stream().filter(r -> !r.installed()).map(RoleInfo::name)
                .collect(Collectors.joining(", ")));
        return null;
    }
}
