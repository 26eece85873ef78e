package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "delete-service", description = "Delete a service instance and its data.")
public final class DeleteServiceCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Parameters(paramLabel = "<name>")
    private String name;

    @Option(names = {"-f", "--force"}, description = "Also remove its bindings to apps")
    private boolean force;

    @Override
    public void run() {
        ControllerClient controller = strato.controller();
        ServiceInstance instance = controller.requireServiceInstance(name);
        try {
            controller.deleteServiceInstance(instance.guid(), force);
        } catch (ApiError e) {
            if (e.is("CF-AssociationNotEmpty") || e.status() == 409) {
                throw new CliError("Service '" + name + "' is bound to apps: unbind it with `strato unbind-service "
                        + name + " <app>` or use --force");
            }
            throw e;
        }
        strato.terminal().out().println("Deleted service '" + name + "'");
    }
}
