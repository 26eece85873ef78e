package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.util.List;

@Command(name = "login", description = {"Log in to the target and store the access and refresh tokens.",
        "Targets the org and space when the user sees exactly one of each."})
public final class LoginCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Option(names = "--username", paramLabel = "<user>", description = "Prompted for when missing")
    private String username;

    @Option(names = "--password", paramLabel = "<password>",
            description = "Read from STRATO_PASSWORD or prompted for (hidden) when missing")
    private String password;

    @Override
    public void run() {
        Terminal terminal = strato.terminal();
        String target = strato.requireTarget();
        OAuth oauth = new OAuth(target);
        String tokenEndpoint = oauth.endpoint();

        String user = username != null ? username : terminal.prompt("Username: ");
        if (user == null || user.isBlank()) {
            throw new CliError("A username is needed: run `strato login --username <user>`");
        }
        String secret = password != null ? password : terminal.env("STRATO_PASSWORD");
        if (secret == null) {
            secret = terminal.promptSecret("Password: ");
        }
        if (secret == null) {
            throw new CliError("A password is needed: run `strato login` in a terminal or set STRATO_PASSWORD");
        }
        OAuth.Tokens tokens = passwordGrant(oauth, tokenEndpoint, target, user.trim(), secret);
        strato.configStore().save(strato.config().withLogin(user.trim(), tokens.accessToken(), tokens.refreshToken(),
                tokens.expiresAt()));
        terminal.out().println("Logged in to " + target + " as " + user.trim());
        autoTarget(terminal.out());
    }

    static OAuth.Tokens passwordGrant(OAuth oauth, String tokenEndpoint, String target, String user, String secret) {
        try {
            return oauth.password(tokenEndpoint, user, secret);
        } catch (ApiError e) {
            if (e.status() == 400 || e.status() == 401 || e.status() == 403) {
                throw new CliError("Login failed: wrong username or password for " + target);
            }
            throw e;
        }
    }

    /** As cf does: the only org the user sees is targeted, and its only space. */
    private void autoTarget(PrintStream out) {
        Config config = strato.config();
        try {
            ControllerClient controller = strato.controller();
            List<Org> orgs = controller.orgs();
            if (orgs.size() == 1) {
                config = config.withOrg(orgs.get(0).guid(), orgs.get(0).name());
                config = TargetCommand.withOnlySpace(controller, config);
                strato.configStore().save(config);
            }
        } catch (ApiError e) {
            // A controller that cannot list orgs (or an older one): the user targets one later.
            return;
        }
        if (config.spaceGuid() != null) {
            out.println("Org:    " + config.orgName());
            out.println("Space:  " + config.spaceName());
        } else {
            out.println("Choose where to work with `strato target -o "
                    + (config.orgName() == null ? "ORG" : config.orgName()) + " -s SPACE`");
        }
    }
}
