package io.strato.core.shell;

import io.strato.api.role.RoleException;
import io.strato.api.role.RoleService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.util.List;

@Command(scope = "kato", name = "role-add", description = "Adds roles or role groups to this node")
@Service
public class RoleAddCommand implements Action {

    @Reference
    RoleService roles;

    @Argument(name = "roles", required = true, multiValued = true, description = "Role or group names")
    @Completion(RoleOrGroupCompleter.class)
    List<String> names;

    @Option(name = "--force", description = "Take the primary role over from a primary that is lost or that this node "
            + "cannot see (only when that node is gone for good: a paused or cut-off primary may come back)")
    boolean force;

    @Override
    public Object execute() throws RoleException {
        List<String> added = roles.add(names, force);
        System.out.println(added.isEmpty() ? "Nothing to add: already installed" : "Added roles: " + String.join(", ", added));
        return null;
    }
}
