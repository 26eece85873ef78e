package io.strato.core.shell;

import io.strato.api.role.RoleException;
import io.strato.api.role.RoleInfo;
import io.strato.api.role.RoleService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "kato", name = "role-info", description = "Shows one role: feature, description, requirements, state")
@Service
public class RoleInfoCommand implements Action {

    @Reference
    RoleService roles;

    @Argument(name = "role", required = true, description = "Role name")
    @Completion(RoleNameCompleter.class)
    String role;

    @Override
    public Object execute() throws RoleException {
        RoleInfo r = roles.role(role);
        System.out.println("Role:        " + r.name());
        System.out.println("Feature:     " + r.feature());
        System.out.println("Description: " + r.description());
        System.out.println("Requires:    " + (r.requires().isEmpty() ? "-" : String.join(", ", new java.util.TreeSet<>(r.requires()))));
        System.out.println("Installed:   " + (r.installed() ? "yes" : "no"));
        System.out.println("State:       " + r.state().map(Enum::name).orElse("-"));
        return null;
    }
}
