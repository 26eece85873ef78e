package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "passwd", description = {"Change your password, then log in again with it (the old token ends).",
        "Asks for the current and new password unless --old and --new are given."})
public final class PasswdCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Option(names = "--old", paramLabel = "<password>", description = "Current password (prompted for when missing)")
    private String oldPassword;

    @Option(names = "--new", paramLabel = "<password>", description = "New password (prompted for, twice, when missing)")
    private String newPassword;

    @Override
    public void run() {
        Terminal terminal = strato.terminal();
        ControllerClient loggedIn = strato.controller();
        Config config = strato.config();
        String target = config.target();
        OAuth oauth = new OAuth(target);
        String uaa = oauth.endpoint();

        String current = oldPassword != null ? oldPassword : terminal.promptSecret("Current password: ");
        if (current == null) {
            throw new CliError("The current password is needed: run `strato passwd` in a terminal or give --old");
        }
        String wanted = newPassword;
        if (wanted == null) {
            wanted = terminal.promptSecret("New password: ");
            String again = terminal.promptSecret("Verify password: ");
            if (wanted == null || !wanted.equals(again)) {
                throw new CliError("The passwords do not match: nothing changed");
            }
        }
        if (wanted.isEmpty()) {
            throw new CliError("The new password is empty: nothing changed");
        }

        String token = loggedIn.api().token();
        String id = OAuth.claims(token).path("user_id").asText("");
        // A 401 here means a wrong current password, not an old token: no refresh, no retry.
        ControllerClient controller = new ControllerClient(new ApiClient(target, token));
        if (id.isEmpty()) {
            id = controller.findUserId(uaa, config.user())
                    .orElseThrow(() -> new CliError("Cannot find your user id: log in again with `strato login`"));
        }
        try {
            controller.changePassword(uaa, id, current, wanted);
        } catch (ApiError e) {
            if (e.status() == 401) {
                throw new CliError("The current password is wrong: nothing changed");
            }
            throw e;
        }
        OAuth.Tokens tokens = LoginCommand.passwordGrant(oauth, uaa, target, config.user(), wanted);
        strato.configStore().save(strato.config().withTokens(tokens.accessToken(), tokens.refreshToken(),
                tokens.expiresAt()));
        terminal.out().println("Password changed; logged in again as " + config.user());
    }
}
