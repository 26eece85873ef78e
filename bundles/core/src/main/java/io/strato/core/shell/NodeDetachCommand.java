package io.strato.core.shell;

import io.strato.core.internal.Membership;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "kato", name = "node-detach", description = "Leaves the cluster: this node becomes a cluster of its own")
@Service
public class NodeDetachCommand implements Action {

    @Reference
    Membership membership;

    @Override
    public Object execute() throws Exception {
        System.out.println(membership.detach());
        return null;
    }
}
