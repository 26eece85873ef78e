package io.strato.role.base.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strato.api.shell.CommandServices;
import io.strato.api.shell.ShellCommandCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogTailCommandTest {

    @Test
    void withoutTheClusterTheCommandStaysAndSaysWhy() throws Exception {
        ShellCommandCheck.assertOnlyOptionalReferences(ShellCommandCheck.shellServices("io.strato.role.base.shell", 1), List.of());
        ShellCommandCheck.Run run = ShellCommandCheck.run(new LogTailCommand()::execute);
        assertEquals(CommandServices.NOT_CONNECTED, run.failure());
        assertEquals("", run.out());
    }
}
