package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.stream.Collectors;

@Command(name = "apps", description = "List the targeted space's apps with their state, instances, memory and URLs.")
public final class AppsCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Override
    public void run() {
        ControllerClient controller = strato.controller();
        Config config = strato.config();
        controller.spaceGuid();
        strato.terminal().out().println("Getting apps in org " + config.orgName() + " / space " + config.spaceName()
                + " as " + config.user() + "...");
        strato.terminal().out().println();
        List<App> apps = controller.apps();
        if (apps.isEmpty()) {
            strato.terminal().out().println("No apps: deploy one with `strato push`");
            return;
        }
        List<Domain> domains = controller.sharedDomains();
        Table table = new Table("name", "state", "instances", "memory", "urls");
        for (App app : apps) {
            String urls = controller.appRoutes(app.guid()).stream().map(r -> r.url(domains))
                    .collect(Collectors.joining(", "));
            table.row(app.name(), app.state(), app.instances(), MemorySize.format(app.memory()), urls);
        }
        table.print(strato.terminal().out());
    }
}
