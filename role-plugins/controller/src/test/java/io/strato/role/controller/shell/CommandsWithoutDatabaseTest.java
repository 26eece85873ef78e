package io.strato.role.controller.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strato.api.shell.ShellCommandCheck;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.karaf.shell.api.console.Session;
import org.junit.jupiter.api.Test;

class CommandsWithoutDatabaseTest {

    @Test
    void withoutTheDatabaseEveryCommandStaysAndSaysWhyItCannotRun() throws Exception {
        // One mandatory reference to a service that is gone while the cluster database is not open would take every
        // kato command of the controller with it ("Command not found").
        ShellCommandCheck.assertOnlyOptionalReferences(ShellCommandCheck.shellServices("io.strato.role.controller.shell", 5),
                List.of(Session.class));

        UserAddCommand add = new UserAddCommand();
        add.name = "alice";
        add.password = "a-long-password";
        UserDeleteCommand delete = new UserDeleteCommand();
        delete.name = "alice";
        UserPasswdCommand passwd = new UserPasswdCommand();
        passwd.name = "alice";
        passwd.password = "another-password";
        for (var command : List.<Callable<?>>of(add::execute, delete::execute, passwd::execute,
                new UserListCommand()::execute, new OrgListCommand()::execute)) {
            ShellCommandCheck.Run run = ShellCommandCheck.run(command);
            assertEquals(ClusterRecords.UNAVAILABLE, run.failure());
            assertEquals("", run.out());
        }
    }
}
