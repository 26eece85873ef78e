package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "logout", description = "Forget the stored access token.")
public final class LogoutCommand implements Runnable {

    @ParentCommand
    private Strato strato;

    @Override
    public void run() {
        Config config = strato.config();
        strato.configStore().save(config.loggedOut());
        strato.terminal().out().println(config.target() == null ? "Logged out" : "Logged out from " + config.target());
    }
}
