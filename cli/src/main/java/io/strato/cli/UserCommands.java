package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code create-user}, {@code delete-user} (admin). */
final class UserCommands {

    private UserCommands() {
    }

    @Command(name = "create-user", description = "Create a user who can log in (admin).")
    static final class CreateUser implements Runnable {

        @ParentCommand
        private Strato strato;

        @Parameters(index = "0", paramLabel = "<user>")
        private String user;

        @Parameters(index = "1", paramLabel = "<password>")
        private String password;

        @Override
        public void run() {
            ControllerClient controller = strato.controller();
            String uaa = new OAuth(controller.api().target()).endpoint();
            controller.createUser(uaa, user, password);
            strato.terminal().out().println("Created user '" + user + "': give them a role with `strato set-space-role "
                    + user + " ORG SPACE SpaceDeveloper`");
        }
    }

    @Command(name = "delete-user", description = "Delete a user (admin).")
    static final class DeleteUser implements Runnable {

        @ParentCommand
        private Strato strato;

        @Parameters(paramLabel = "<user>")
        private String user;

        @Option(names = {"-f", "--force"}, description = "Do not ask for confirmation")
        private boolean force;

        @Override
        public void run() {
            ControllerClient controller = strato.controller();
            String uaa = new OAuth(controller.api().target()).endpoint();
            String id = controller.findUserId(uaa, user)
                    .orElseThrow(() -> new CliError("User '" + user + "' not found"));
            if (!force && !strato.terminal().confirm("Really delete user '" + user + "'?")) {
                strato.terminal().out().println("Not deleted");
                return;
            }
            controller.deleteUser(uaa, id);
            strato.terminal().out().println("Deleted user '" + user + "'");
        }
    }
}
