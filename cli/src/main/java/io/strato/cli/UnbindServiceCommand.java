package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "unbind-service", description = "Remove a service instance's binding from an app.")
public final class UnbindServiceCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Parameters(index = "0", paramLabel = "<service>")
    private String service;

    @Parameters(index = "1", paramLabel = "<app>")
    private String appName;

    @Override
    public void run() {
        ControllerClient controller = strato.controller();
        ControllerClient.ServiceAndApp named = controller.requireServiceAndApp("unbind-service", service, appName);
        ServiceInstance instance = named.service();
        App app = named.app();
        ServiceBinding binding = controller.appBindings(app.guid()).stream()
                .filter(b -> b.serviceInstanceGuid().equals(instance.guid())).findFirst()
                .orElseThrow(() -> new CliError("Service '" + service + "' is not bound to '" + appName + "'"));
        controller.unbind(binding.guid());
        strato.terminal().out().println("Unbound '" + service + "' from '" + appName + "'");
    }
}
