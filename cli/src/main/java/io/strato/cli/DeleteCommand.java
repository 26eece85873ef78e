package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;

@Command(name = "delete", description = "Delete an app and its routes.")
public final class DeleteCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Parameters(paramLabel = "<name>")
    private String name;

    @Option(names = {"-f", "--force"}, description = "Do not ask for confirmation")
    private boolean force;

    @Override
    public void run() {
        ControllerClient controller = strato.controller();
        App app = controller.requireApp(name);
        if (!force && !strato.terminal().confirm("Really delete app '" + name + "' and its routes?")) {
            strato.terminal().out().println("Not deleted");
            return;
        }
        List<Route> routes = controller.appRoutes(app.guid());
        controller.deleteApp(app.guid());
        for (Route route : routes) {
            try {
                controller.deleteRoute(route.guid());
            } catch (ApiError e) {
                // Already gone with the app is the outcome we want.
                if (e.status() != 404) {
                    throw e;
                }
            }
        }
        strato.terminal().out().println("Deleted '" + name + "'");
    }
}
