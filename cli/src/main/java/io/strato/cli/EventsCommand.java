package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.util.List;

@Command(name = "events", description = "Show an app's recent events (crashes), newest first.")
public final class EventsCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Parameters(paramLabel = "<name>")
    private String name;

    @Option(names = {"-n", "--num"}, paramLabel = "<n>", defaultValue = "50", description = "Most events to show (default: 50, at most 100)")
    private int num;

    @Override
    public void run() {
        if (num < 1 || num > 100) {
            throw new CliError("--num must be between 1 and 100");
        }
        PrintStream out = strato.terminal().out();
        ControllerClient controller = strato.controller();
        App app = controller.requireApp(name);
        List<AppEvent> events = controller.appEvents(app.guid(), num);
        if (events.isEmpty()) {
            out.println("No events for app '" + app.name() + "'");
            return;
        }
        table(events).print(out);
    }

    /** time, event, instance, exit status, description: one row per event. */
    static Table table(List<AppEvent> events) {
        Table table = new Table("time", "event", "instance", "exit status", "description");
        events.forEach(e -> table.row(e.timestamp(), e.type(), e.indexText(), e.exitStatusText(), e.description()));
        return table;
    }
}
