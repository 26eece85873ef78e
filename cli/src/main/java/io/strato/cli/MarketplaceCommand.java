package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.stream.Collectors;

@Command(name = "marketplace", description = "List the services that can be created, with their plans.")
public final class MarketplaceCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Override
    public void run() {
        ControllerClient controller = strato.controller();
        List<ServiceOffering> offerings = controller.services();
        if (offerings.isEmpty()) {
            strato.terminal().out().println("No services: an admin adds them with `kato:role-add <service>`");
            return;
        }
        Table table = new Table("service", "version", "plans", "description");
        for (ServiceOffering offering : offerings) {
            String plans = controller.plans(offering.guid()).stream().map(ServicePlan::name)
                    .collect(Collectors.joining(", "));
            table.row(offering.label(), offering.version(), plans, offering.description());
        }
        table.print(strato.terminal().out());
    }
}
