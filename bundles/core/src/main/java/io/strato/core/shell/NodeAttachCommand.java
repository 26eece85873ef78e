package io.strato.core.shell;

import io.strato.api.shell.SecretCommandLine;

import io.strato.core.internal.Membership;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

@Command(scope = "kato", name = "node-attach", description = "Joins this node to the cluster of the primary at <host[:port]>")
@Service
public class NodeAttachCommand implements Action {

    @Reference
    Membership membership;

    @Reference
    Session session;

    @Argument(name = "address", required = true, description = "The primary's host[:cluster port] (port default 5701)")
    String address;

    @Option(name = "--secret", aliases = "-s", description = "The cluster secret (kato:cluster-secret on the primary); asked when missing")
    String secret;

    @Override
    public Object execute() throws Exception {
        return SecretCommandLine.run("kato:node-attach", () -> {
            String s = secret != null ? secret : session.readLine("Cluster secret: ", '*');
            System.out.println("Attaching to " + address + " (Cellar restarts with the new cluster settings)...");
            System.out.println(membership.attach(address, s));
            return null;
        });
    }
}
