package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "start", description = "Start an app, stream its staging log and wait until it runs.")
public final class StartCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Parameters(paramLabel = "<name>")
    private String name;

    @Override
    public void run() {
        ControllerClient controller = strato.controller();
        strato.appStarter(controller).start(controller.requireApp(name));
    }
}
