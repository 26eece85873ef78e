package io.strato.role.controller.shell;

import io.strato.api.shell.CommandServices;
import io.strato.api.shell.SecretCommandLine;
import io.strato.role.controller.tenancy.TenancyAdmin;
import io.strato.role.controller.users.UserAccount;
import io.strato.role.controller.users.UserAccounts;
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

    @Option(name = "--org", aliases = "-o", description = "the organization the user joins (as a user of it)")
    String org;

    @Option(name = "--space", aliases = "-s", description = "a space of that organization the user develops in")
    String space;

    @Argument(index = 1, name = "options", multiValued = true,
            description = "the options may also follow the name")
    List<String> trailing;

    @Reference(optional = true)
    UserAccounts users;

    @Reference(optional = true)
    TenancyAdmin tenancy;

    @Reference
    Session session;

    @Override
    public Object execute() throws Exception {
        return SecretCommandLine.run("kato:user-add", this::add);
    }

    private Object add() throws Exception {
        UserAccounts users = CommandServices.require(this.users, ClusterRecords.UNAVAILABLE);
        TenancyAdmin tenancy = CommandServices.require(this.tenancy, ClusterRecords.UNAVAILABLE);
        TrailingOptions more = TrailingOptions.parse(trailing, true,
                "kato:user-add <name> [--password p] [--admin] [--org o [--space s]]");
        String given = password != null ? password : more.password;
        boolean asAdmin = admin || more.admin;
        String inOrg = org != null ? org : more.org;
        String inSpace = space != null ? space : more.space;
        if (inSpace != null && inOrg == null) {
            throw new IllegalArgumentException("--space needs --org: a space is named within its organization");
        }
        if (users.find(name).isPresent()) {
            throw new IllegalArgumentException("user " + name + " already exists; use kato:user-passwd to change its password");
        }
        String secret = given != null ? given : Passwords.ask(session, "Password for " + name + ": ");
        UserAccount user = users.add(name, secret, asAdmin);
        if (inOrg != null) {
            try {
                tenancy.join(user.guid(), inOrg, inSpace);
            } catch (IllegalArgumentException e) {
                users.delete(name); // nothing half done: the user exists with the roles asked for, or not at all
                throw e;
            }
        }
        System.out.println("User " + name + " added" + (asAdmin ? " (admin)" : "")
                + (inOrg == null ? "" : " to organization " + inOrg) + (inSpace == null ? "" : ", developer in space " + inSpace)
                + (inOrg == null && !asAdmin ? "; it sees no organization yet (--org, or strato set-org-role)" : ""));
        return null;
    }
}
