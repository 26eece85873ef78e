package io.strato.core.shell;

import io.strato.api.role.RoleException;
import io.strato.api.role.RoleService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.util.List;

@Command(scope = "kato", name = "role-remove", description = "Removes roles from this node (base cannot be removed)")
@Service
public class RoleRemoveCommand implements Action {

    @Reference
    RoleService roles;

    @Argument(name = "roles", required = true, multiValued = true, description = "Role names")
    @Completion(RoleNameCompleter.class)
    List<String> names;

    @Override
    public Object execute() throws RoleException {
        System.out.println("Removed roles: " + String.join(", ", roles.remove(names)));
        return null;
    }
}
