package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code quotas}, {@code create-quota}, {@code set-quota}. */
final class QuotaCommands {

    private QuotaCommands() {
    }

    /** Megabytes, or -1 for unlimited. */
    static long memory(String text) {
        return "-1".equals(text.trim()) ? -1 : MemorySize.megabytes(text);
    }

    static String limit(long value) {
        return value < 0 ? "unlimited" : String.valueOf(value);
    }

    static String memoryLimit(long megabytes) {
        return megabytes < 0 ? "unlimited" : MemorySize.format((int) megabytes);
    }

    @Command(name = "quotas", description = "List the quota definitions.")
    static final class Quotas implements Runnable {

        @ParentCommand
        private Strato strato;

        @Override
        public void run() {
            List<Quota> quotas = strato.controller().quotas();
            if (quotas.isEmpty()) {
                strato.terminal().out().println("No quotas: an admin creates one with `strato create-quota <name>`");
                return;
            }
            Table table = new Table("name", "total memory", "instance memory", "routes", "service instances",
                    "paid plans", "app instances");
            for (Quota q : quotas) {
                table.row(q.name(), memoryLimit(q.memoryLimit()), memoryLimit(q.instanceMemoryLimit()), limit(q.routes()),
                        limit(q.services()), q.paidServicePlans() ? "allowed" : "disallowed", limit(q.appInstances()));
            }
            table.print(strato.terminal().out());
        }
    }

    @Command(name = "create-quota", description = "Create a quota definition (admin).")
    static final class CreateQuota implements Runnable {

        @ParentCommand
        private Strato strato;

        @Parameters(paramLabel = "<name>")
        private String name;

        @Option(names = "-m", paramLabel = "<total memory>", defaultValue = "0",
                description = "Total memory of the org's apps, e.g. 1024M, 10G (default: 0)")
        private String totalMemory;

        @Option(names = "-i", paramLabel = "<instance memory>", defaultValue = "-1",
                description = "Largest memory of one instance, e.g. 1G; -1 unlimited (default)")
        private String instanceMemory;

        @Option(names = "-a", paramLabel = "<app instances>", defaultValue = "-1",
                description = "Total app instances; -1 unlimited (default)")
        private int appInstances;

        @Option(names = "-r", paramLabel = "<routes>", defaultValue = "0", description = "Total routes (default: 0)")
        private int routes;

        @Option(names = "-s", paramLabel = "<service instances>", defaultValue = "0",
                description = "Total service instances (default: 0)")
        private int services;

        @Option(names = "--allow-paid-service-plans", description = "Allow plans that are not free")
        private boolean paidPlans;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("non_basic_services_allowed", paidPlans);
            body.put("total_services", services);
            body.put("total_routes", routes);
            body.put("memory_limit", memory(totalMemory));
            body.put("instance_memory_limit", memory(instanceMemory));
            body.put("app_instance_limit", appInstances);
            strato.controller().createQuota(body);
            strato.terminal().out().println("Created quota '" + name + "': give it to an org with `strato set-quota <org> "
                    + name + "`");
        }
    }

    @Command(name = "set-quota", description = "Give an org a quota (admin).")
    static final class SetQuota implements Runnable {

        @ParentCommand
        private Strato strato;

        @Parameters(index = "0", paramLabel = "<org>")
        private String org;

        @Parameters(index = "1", paramLabel = "<quota>")
        private String quota;

        @Override
        public void run() {
            ControllerClient controller = strato.controller();
            Org chosen = controller.requireOrg(org);
            Quota chosenQuota = controller.requireQuota(quota);
            controller.updateOrg(chosen.guid(), Map.of("quota_definition_guid", chosenQuota.guid()));
            strato.terminal().out().println("Org '" + chosen.name() + "' now has quota '" + chosenQuota.name() + "'");
        }
    }
}
