package io.strato.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "create-service", description = "Create a service instance from the marketplace.")
public final class CreateServiceCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Parameters(index = "0", paramLabel = "<service>", description = "Marketplace service, e.g. postgresql")
    private String label;

    @Parameters(index = "1", paramLabel = "<name>", description = "Name for the new instance")
    private String name;

    @Option(names = "--plan", paramLabel = "<plan>", description = "Plan name (default: the service's first plan)")
    private String plan;

    @Option(names = "--param", paramLabel = "<key=value>",
            description = "A parameter for the service, repeatable (e.g. harbor: --param protocol=udp)")
    private Map<String, String> parameters = new LinkedHashMap<>();

    @Override
    public void run() {
        ControllerClient controller = strato.controller();
        if (controller.findServiceInstance(name).isPresent()) {
            throw new CliError("Service '" + name + "' already exists: pick another name or `strato delete-service " + name + "`");
        }
        ServicePlan chosen = controller.planFor(label, plan);
        try (Waiting waiting = Waiting.start(strato.terminal().err(),
                "Creating service '" + name + "' (" + label + ", plan " + chosen.name() + ")")) {
            controller.createServiceInstance(name, chosen.guid(), controller.spaceGuid(), parameters);
            waiting.done();
        }
        strato.terminal().out().println("Created service '" + name + "' (" + label + ", plan " + chosen.name()
                + "): bind it with `strato bind-service " + name + " <app>`");
    }
}
