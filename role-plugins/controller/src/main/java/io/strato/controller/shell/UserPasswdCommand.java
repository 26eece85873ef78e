package io.strato.controller.shell;

import io.strato.controller.users.UserAccounts;
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

    @Reference
    UserAccounts users;

    @Reference
    Session session;

    @Override
    public Object execute() throws Exception {
        if (users.find(name).isEmpty()) {
            System.err.println("no user " + name + "; kato:user-list shows the users");
            return null;
        }
        String secret = password != null ? password : Passwords.ask(session, "New password for " + name + ": ");
        if (secret == null) {
            return null;
        }
        try {
            users.changePassword(name, secret);
            System.out.println("Password of " + name + " changed");
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
        }
        return null;
    }
}
