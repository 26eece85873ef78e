package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code orgs}, {@code create-org}, {@code delete-org}. */
final class OrgCommands {

    private OrgCommands() {
    }

    @Command(name = "orgs", description = "List the orgs you can see.")
    static final class Orgs implements Runnable {

        @ParentCommand
        private Strato strato;

        @Override
        public void run() {
            ControllerClient controller = strato.controller();
            List<Org> orgs = controller.orgs();
            if (orgs.isEmpty()) {
                strato.terminal().out().println("No orgs: an admin creates one with `strato create-org <name>`");
                return;
            }
            Map<String, String> quotas;
            try {
                quotas = controller.quotas().stream().collect(Collectors.toMap(Quota::guid, Quota::name, (a, b) -> a));
            } catch (ApiError notAllowed) {
                quotas = Map.of();
            }
            Table table = new Table("name", "quota", "status");
            for (Org org : orgs) {
                table.row(org.name(), quotas.getOrDefault(org.quotaGuid(), org.quotaGuid()), org.status());
            }
            table.print(strato.terminal().out());
        }
    }

    @Command(name = "create-org", description = "Create an org (admin).")
    static final class CreateOrg implements Runnable {

        @ParentCommand
        private Strato strato;

        @Parameters(paramLabel = "<name>")
        private String name;

        @Option(names = {"-q", "--quota"}, paramLabel = "<quota>", description = "Quota to give the org (default: the server's)")
        private String quota;

        @Override
        public void run() {
            ControllerClient controller = strato.controller();
            String quotaGuid = quota == null ? null : controller.requireQuota(quota).guid();
            controller.createOrg(name, quotaGuid);
            strato.terminal().out().println("Created org '" + name + "': target it with `strato target -o " + name + "`");
        }
    }

    @Command(name = "delete-org", description = "Delete an org with its spaces, apps, routes and services.")
    static final class DeleteOrg implements Runnable {

        @ParentCommand
        private Strato strato;

        @Parameters(paramLabel = "<name>")
        private String name;

        @Option(names = {"-f", "--force"}, description = "Do not ask for confirmation")
        private boolean force;

        @Override
        public void run() {
            ControllerClient controller = strato.controller();
            Org org = controller.requireOrg(name);
            if (!force && !strato.terminal().confirm("Really delete org '" + name
                    + "' with its spaces, apps, routes and services?")) {
                strato.terminal().out().println("Not deleted");
                return;
            }
            controller.deleteOrg(org.guid());
            Config config = strato.config();
            if (org.guid().equals(config.orgGuid())) {
                strato.configStore().save(config.withOrg(null, null));
            }
            strato.terminal().out().println("Deleted org '" + name + "'");
        }
    }
}
