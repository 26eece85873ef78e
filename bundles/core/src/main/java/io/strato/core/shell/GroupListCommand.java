package io.strato.core.shell;

import io.strato.api.role.RoleGroup;
import io.strato.api.role.RoleService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "kato", name = "group-list", description = "Lists role groups: built-in features and etc/io.strato.rolegroups.cfg")
@Service
public class GroupListCommand implements Action {

    @Reference
    RoleService roles;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Group");
        table.column("Roles");
        table.column("Defined in");
        for (RoleGroup g : roles.groups()) {
            table.addRow().addContent(g.name(), String.join(", ", g.roles()), g.origin());
        }
        table.print(System.out);
        return null;
    }
}
