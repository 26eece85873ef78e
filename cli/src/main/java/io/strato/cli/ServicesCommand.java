package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

@Command(name = "services", description = "List the service instances and the apps bound to them.")
public final class ServicesCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Override
    public void run() {
        ControllerClient controller = strato.controller();
        List<ServiceInstance> instances = controller.serviceInstances();
        if (instances.isEmpty()) {
            strato.terminal().out().println("No services: create one with `strato create-service <service> <name>`");
            return;
        }
        Map<String, String[]> plans = new HashMap<>();
        for (ServiceOffering offering : controller.services()) {
            controller.plans(offering.guid()).forEach(p -> plans.put(p.guid(), new String[]{offering.label(), p.name()}));
        }
        Map<String, List<String>> boundApps = new HashMap<>();
        for (App app : controller.apps()) {
            controller.appBindings(app.guid()).forEach(b ->
                    boundApps.computeIfAbsent(b.serviceInstanceGuid(), k -> new ArrayList<>()).add(app.name()));
        }
        Table table = new Table("name", "service", "plan", "bound apps");
        for (ServiceInstance instance : instances) {
            String[] plan = plans.getOrDefault(instance.planGuid(), new String[]{"?", "?"});
            table.row(instance.name(), plan[0], plan[1], String.join(", ", boundApps.getOrDefault(instance.guid(), List.of())));
        }
        table.print(strato.terminal().out());
    }
}
