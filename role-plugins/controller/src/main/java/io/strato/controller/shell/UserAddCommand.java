package io.strato.controller.shell;

import io.strato.api.shell.SecretCommandLine;
import io.strato.controller.users.UserAccounts;
import java.util.List;
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

    @Argument(index = 1, name = "options", multiValued = true,
            description = "the options may also follow the name")
    List<String> trailing;

    @Reference
    UserAccounts users;

    @Reference
    Session session;

    @Override
    public Object execute() throws Exception {
        return SecretCommandLine.run("kato:user-add", this::add);
    }

    private Object add() throws Exception {
        TrailingOptions more = TrailingOptions.parse(trailing, true, "kato:user-add <name> [--password p] [--admin]");
        String given = password != null ? password : more.password;
        boolean asAdmin = admin || more.admin;
        if (users.find(name).isPresent()) {
            throw new IllegalArgumentException("user " + name + " already exists; use kato:user-passwd to change its password");
        }
        String secret = given != null ? given : Passwords.ask(session, "Password for " + name + ": ");
        users.add(name, secret, asAdmin);
        System.out.println("User " + name + " added" + (asAdmin ? " (admin)" : ""));
        return null;
    }
}
