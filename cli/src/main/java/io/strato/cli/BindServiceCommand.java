package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "bind-service", description = "Bind a service instance to an app (its credentials go into VCAP_SERVICES).")
public final class BindServiceCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Parameters(index = "0", paramLabel = "<service>")
    private String service;

    @Parameters(index = "1", paramLabel = "<app>")
    private String appName;

    @Override
    public void run() {
        ControllerClient controller = strato.controller();
        ControllerClient.ServiceAndApp named = controller.requireServiceAndApp("bind-service", service, appName);
        ServiceInstance instance = named.service();
        App app = named.app();
        boolean bound = controller.appBindings(app.guid()).stream()
                .anyMatch(b -> b.serviceInstanceGuid().equals(instance.guid()));
        if (bound) {
            strato.terminal().out().println("Service '" + service + "' is already bound to '" + appName + "'");
            return;
        }
        controller.bind(instance.guid(), app.guid());
        // the controller restarts the app's running instances with the new credentials itself
        strato.terminal().out().println("Bound '" + service + "' to '" + appName + "'");
    }
}
