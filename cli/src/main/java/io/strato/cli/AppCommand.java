package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

@Command(name = "app", description = "Show one app: settings, URLs, services and its instances.")
public final class AppCommand implements Runnable {

    /** Crashes shown under the instances. */
    static final int RECENT_EVENTS = 3;

    @ParentCommand
    private Strato strato;

    @Parameters(paramLabel = "<name>")
    private String name;

    @Override
    public void run() {
        PrintStream out = strato.terminal().out();
        ControllerClient controller = strato.controller();
        App app = controller.requireApp(name);
        List<Domain> domains = controller.sharedDomains();

        out.println("name:      " + app.name());
        out.println("state:     " + app.state() + " (package " + app.packageState() + ")");
        out.println("instances: " + app.instances());
        out.println("memory:    " + MemorySize.format(app.memory()));
        if (app.diskQuota() > 0) {
            out.println("disk:      " + MemorySize.format(app.diskQuota()));
        }
        if (app.command() != null) {
            out.println("command:   " + app.command());
        }
        out.println("urls:      " + controller.appRoutes(app.guid()).stream()
                .map(r -> controller.appUrl(r.url(domains))).collect(Collectors.joining(", ")));
        out.println("services:  " + boundServices(controller, app));
        if (app.stagingFailedReason() != null) {
            out.println("staging:   failed: " + app.stagingFailedReason());
        }
        if (app.started()) {
            printInstances(controller, app, out);
        }
        printRecentEvents(controller, app, out);
    }

    /** The last crashes, as {@code strato events} lists them; a controller without events shows none. */
    private static void printRecentEvents(ControllerClient controller, App app, PrintStream out) {
        List<AppEvent> events;
        try {
            events = controller.appEvents(app.guid(), RECENT_EVENTS);
        } catch (ApiError e) {
            return;
        }
        if (!events.isEmpty()) {
            out.println();
            out.println("recent events:");
            EventsCommand.table(events).print(out);
        }
    }

    /** A controller without the services API still shows its apps. */
    private static String boundServices(ControllerClient controller, App app) {
        try {
            Set<String> bound = controller.appBindings(app.guid()).stream()
                    .map(ServiceBinding::serviceInstanceGuid).collect(Collectors.toSet());
            if (bound.isEmpty()) {
                return "";
            }
            return controller.serviceInstances().stream().filter(s -> bound.contains(s.guid()))
                    .map(ServiceInstance::name).collect(Collectors.joining(", "));
        } catch (ApiError e) {
            if (e.status() == 404) {
                return "";
            }
            throw e;
        }
    }

    private static void printInstances(ControllerClient controller, App app, PrintStream out) {
        Map<String, InstanceState> instances;
        try {
            instances = controller.instances(app.guid());
        } catch (ApiError e) {
            out.println("instances: none (" + e.getMessage() + ")");
            return;
        }
        JsonNode stats = statsOrEmpty(controller, app);
        Table table = new Table("#", "state", "since", "cpu", "memory", "disk", "details");
        instances.forEach((index, instance) -> {
            JsonNode usage = stats.path(index).path("stats").path("usage");
            boolean measured = usage.path("mem").asLong() > 0;
            table.row(index, instance.state(),
                    instance.since() > 0 ? Instant.ofEpochSecond(instance.since()).toString() : "",
                    measured ? String.format(Locale.ROOT, "%.1f%%", usage.path("cpu").asDouble() * 100) : "-",
                    measured ? ProgressBar.human(usage.path("mem").asLong()) : "-",
                    measured ? ProgressBar.human(usage.path("disk").asLong()) : "-",
                    instance.details());
        });
        table.print(out);
    }

    /** Usage figures are a nicety: an app whose stats are unavailable still shows its instances. */
    private static JsonNode statsOrEmpty(ControllerClient controller, App app) {
        try {
            return controller.stats(app.guid());
        } catch (ApiError e) {
            return ApiClient.JSON.createObjectNode();
        }
    }
}
