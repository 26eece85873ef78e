package io.strato.core.shell;

import io.strato.api.cluster.ClusterSecret;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "kato", name = "cluster-secret", description = "Shows the secret other nodes need to attach to this cluster")
@Service
public class ClusterSecretCommand implements Action {

    @Reference
    ClusterSecret secret;

    @Override
    public Object execute() {
        System.out.println(secret.value());
        return null;
    }
}
