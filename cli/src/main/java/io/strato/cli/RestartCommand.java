package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "restart", description = "Stop then start an app.")
public final class RestartCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Parameters(paramLabel = "<name>")
    private String name;

    @Override
    public void run() {
        ControllerClient controller = strato.controller();
        App app = controller.requireApp(name);
        AppStarter starter = strato.appStarter(controller);
        starter.stop(app);
        starter.start(app);
    }
}
