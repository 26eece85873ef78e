package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "scale", description = "Change an app's number of instances or memory per instance.")
public final class ScaleCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Parameters(paramLabel = "<name>")
    private String name;

    @Option(names = {"--instances", "-i"}, paramLabel = "<n>")
    private Integer instances;

    @Option(names = {"--mem", "-m"}, paramLabel = "<size>", description = "256, 256M, 1G")
    private String mem;

    @Override
    public void run() {
        if (instances == null && mem == null) {
            throw new CliError("Nothing to change: give --instances <n> and/or --mem <size>");
        }
        if (instances != null && instances < 0) {
            throw new CliError("--instances must be 0 or more");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        if (instances != null) {
            fields.put("instances", instances);
        }
        if (mem != null) {
            fields.put("memory", MemorySize.megabytes(mem));
        }
        ControllerClient controller = strato.controller();
        App app = controller.requireApp(name);
        controller.updateApp(app.guid(), fields);
        App scaled = controller.app(app.guid());
        strato.terminal().out().println("Scaled '" + name + "': " + scaled.instances() + " instances, "
                + MemorySize.format(scaled.memory()) + " each");
    }
}
