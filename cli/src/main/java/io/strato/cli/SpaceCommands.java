package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;

/** {@code spaces}, {@code create-space}, {@code delete-space}. */
final class SpaceCommands {

    private SpaceCommands() {
    }

    /** The named org, or the targeted one when no name is given. */
    static Org orgOrTarget(Strato strato, ControllerClient controller, String name) {
        if (name != null) {
            return controller.requireOrg(name);
        }
        Config config = strato.config();
        if (config.orgGuid() == null) {
            throw CliError.noOrg();
        }
        return new Org(config.orgGuid(), config.orgName(), "", "");
    }

    @Command(name = "spaces", description = "List the spaces of the targeted org.")
    static final class Spaces implements Runnable {

        @ParentCommand
        private Strato strato;

        @Option(names = {"-o", "--org"}, paramLabel = "<org>", description = "Org (default: the targeted one)")
        private String org;

        @Override
        public void run() {
            ControllerClient controller = strato.controller();
            Org chosen = orgOrTarget(strato, controller, org);
            List<Space> spaces = controller.spaces(chosen.guid());
            if (spaces.isEmpty()) {
                strato.terminal().out().println("No spaces in org '" + chosen.name()
                        + "': create one with `strato create-space <name>`");
                return;
            }
            Table table = new Table("name");
            spaces.forEach(s -> table.row(s.name()));
            table.print(strato.terminal().out());
        }
    }

    @Command(name = "create-space", description = "Create a space in an org (org managers).")
    static final class CreateSpace implements Runnable {

        @ParentCommand
        private Strato strato;

        @Parameters(paramLabel = "<name>")
        private String name;

        @Option(names = {"-o", "--org"}, paramLabel = "<org>", description = "Org (default: the targeted one)")
        private String org;

        @Override
        public void run() {
            ControllerClient controller = strato.controller();
            Org chosen = orgOrTarget(strato, controller, org);
            controller.createSpace(name, chosen.guid());
            strato.terminal().out().println("Created space '" + name + "' in org '" + chosen.name()
                    + "': target it with `strato target -o " + chosen.name() + " -s " + name + "`");
        }
    }

    @Command(name = "delete-space", description = "Delete a space with its apps, routes and services.")
    static final class DeleteSpace implements Runnable {

        @ParentCommand
        private Strato strato;

        @Parameters(paramLabel = "<name>")
        private String name;

        @Option(names = {"-o", "--org"}, paramLabel = "<org>", description = "Org (default: the targeted one)")
        private String org;

        @Option(names = {"-f", "--force"}, description = "Do not ask for confirmation")
        private boolean force;

        @Override
        public void run() {
            ControllerClient controller = strato.controller();
            Org chosen = orgOrTarget(strato, controller, org);
            Space space = controller.requireSpace(chosen, name);
            if (!force && !strato.terminal().confirm("Really delete space '" + name
                    + "' with its apps, routes and services?")) {
                strato.terminal().out().println("Not deleted");
                return;
            }
            controller.deleteSpace(space.guid());
            Config config = strato.config();
            if (space.guid().equals(config.spaceGuid())) {
                strato.configStore().save(config.withSpace(null, null));
            }
            strato.terminal().out().println("Deleted space '" + name + "'");
        }
    }
}
