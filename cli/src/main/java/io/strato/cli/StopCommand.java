package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "stop", description = "Stop every instance of an app.")
public final class StopCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Parameters(paramLabel = "<name>")
    private String name;

    @Override
    public void run() {
        ControllerClient controller = strato.controller();
        strato.appStarter(controller).stop(controller.requireApp(name));
    }
}
