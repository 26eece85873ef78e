package io.strato.role.controller.shell;

import io.strato.api.shell.CommandServices;
import io.strato.api.shell.SecretCommandLine;
import io.strato.role.controller.users.UserAccounts;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

@Command(scope = "kato", name = "user-passwd", description = "Changes a user's password (asks for it when not given)")
@Service
public class UserPasswdCommand implements Action {

    @Argument(index = 0, name = "name", required = true, description = "the user name")
    String name;

    @Option(name = "--password", aliases = "-p", description = "the new password (at least 8 characters)")
    String password;

    @Argument(index = 1, name = "options", multiValued = true,
            description = "the options may also follow the name")
    List<String> trailing;

    @Reference(optional = true)
    UserAccounts users;

    @Reference
    Session session;

    @Override
    public Object execute() throws Exception {
        return SecretCommandLine.run("kato:user-passwd", this::change);
    }

    private Object change() throws Exception {
        UserAccounts users = CommandServices.require(this.users, ClusterRecords.UNAVAILABLE);
        TrailingOptions more = TrailingOptions.parse(trailing, false, "kato:user-passwd <name> [--password p]");
        String given = password != null ? password : more.password;
        if (users.find(name).isEmpty()) {
            throw new IllegalArgumentException("no user " + name + "; kato:user-list shows the users");
        }
        String secret = given != null ? given : Passwords.ask(session, "New password for " + name + ": ");
        users.changePassword(name, secret);
        System.out.println("Password of " + name + " changed");
        return null;
    }
}
