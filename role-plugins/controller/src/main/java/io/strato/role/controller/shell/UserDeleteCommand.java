package io.strato.role.controller.shell;

import io.strato.api.shell.CommandServices;
import io.strato.role.controller.users.UserAccounts;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "kato", name = "user-delete", description = "Deletes a user; its tokens stop working at once")
@Service
public class UserDeleteCommand implements Action {

    @Argument(index = 0, name = "name", required = true, description = "the user name")
    String name;

    @Reference(optional = true)
    UserAccounts users;

    @Override
    public Object execute() {
        CommandServices.require(users, ClusterRecords.UNAVAILABLE).delete(name);
        System.out.println("User " + name + " deleted");
        return null;
    }
}
