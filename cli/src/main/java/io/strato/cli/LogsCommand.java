package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;

@Command(name = "logs", description = "Show an app's recent log lines, or follow them.")
public final class LogsCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Parameters(paramLabel = "<name>")
    private String name;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until interrupted")
    private boolean follow;

    @Option(names = {"-n", "--num"}, paramLabel = "<n>", defaultValue = "100", description = "Recent lines (default: 100)")
    private int num;

    @Override
    public void run() {
        if (num < 0) {
            throw new CliError("--num must be 0 or more");
        }
        PrintStream out = strato.terminal().out();
        ControllerClient controller = strato.controller();
        App app = controller.requireApp(name);
        if (follow) {
            controller.followLogs(app.guid(), num, line -> {
                out.println(line.format());
                out.flush();
            });
        } else {
            controller.recentLogs(app.guid(), num).forEach(line -> out.println(line.format()));
        }
    }
}
