package io.strato.controller.shell;

import io.strato.controller.users.UserAccounts;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

@Command(scope = "kato", name = "user-add", description = "Adds a user who may log in to the API (asks for the password when not given)")
@Service
public class UserAddCommand implements Action {

    @Argument(index = 0, name = "name", required = true, description = "the user name")
    String name;

    @Option(name = "--password", aliases = "-p", description = "the password (at least 8 characters)")
    String password;

    @Option(name = "--admin", description = "the user may administer the cluster through the API")
    boolean admin;

    @Reference
    UserAccounts users;

    @Reference
    Session session;

    @Override
    public Object execute() throws Exception {
        String secret = password != null ? password : Passwords.ask(session, "Password for " + name + ": ");
        if (secret == null) {
            return null;
        }
        try {
            users.add(name, secret, admin);
            System.out.println("User " + name + " added" + (admin ? " (admin)" : ""));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
        }
        return null;
    }
}
