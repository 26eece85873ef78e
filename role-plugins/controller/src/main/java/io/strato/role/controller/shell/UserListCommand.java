package io.strato.role.controller.shell;

import io.strato.api.shell.CommandServices;
import io.strato.role.controller.users.UserAccount;
import io.strato.role.controller.users.UserAccounts;
import java.time.Instant;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "kato", name = "user-list", description = "Lists the users of the API")
@Service
public class UserListCommand implements Action {

    @Reference(optional = true)
    UserAccounts users;

    @Override
    public Object execute() {
        List<UserAccount> all = CommandServices.require(users, ClusterRecords.UNAVAILABLE).list();
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Admin");
        table.column("Created");
        for (UserAccount u : all) {
            table.addRow().addContent(u.name(), u.admin() ? "yes" : "no", Instant.ofEpochMilli(u.createdAt()).toString());
        }
        table.print(System.out);
        if (all.isEmpty()) {
            System.out.println("No users yet: add one with kato:user-add <name> --admin");
        }
        return null;
    }
}
