package io.strato.role.primary.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strato.api.shell.ShellCommandCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterConfigCommandTest {

    @Test
    void withoutThePrimaryRoleTheCommandStaysAndSaysWhy() throws Exception {
        ShellCommandCheck.assertOnlyOptionalReferences(ShellCommandCheck.shellServices("io.strato.role.primary.shell", 1), List.of());
        ClusterConfigCommand command = new ClusterConfigCommand();
        command.domain = "apps.example.com";
        ShellCommandCheck.Run run = ShellCommandCheck.run(command::execute);
        assertEquals(ClusterConfigCommand.UNAVAILABLE, run.failure());
        assertEquals("", run.out());
    }
}
