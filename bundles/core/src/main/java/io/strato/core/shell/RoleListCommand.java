package io.strato.core.shell;

import io.strato.api.role.RoleInfo;
import io.strato.api.role.RoleService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "kato", name = "role-list", description = "Lists the roles this node can have, and which it has")
@Service
public class RoleListCommand implements Action {

    @Reference
    RoleService roles;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Role");
        table.column("Installed");
        table.column("State");
        table.column("Description");
        for (RoleInfo r : roles.roles()) {
            table.addRow().addContent(r.name(), r.installed() ? "yes" : "", r.state().map(Enum::name).orElse(""), r.description());
        }
        table.print(System.out);
        return null;
    }
}
