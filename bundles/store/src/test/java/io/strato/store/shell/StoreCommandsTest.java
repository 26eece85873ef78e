package io.strato.store.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strato.api.shell.ShellCommandCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreCommandsTest {

    @Test
    void withoutTheStoreItsCommandsStayAndSayWhy() throws Exception {
        // kato:store-status is what an admin runs when the store does not open: it must not be "Command not found" then.
        ShellCommandCheck.assertOnlyOptionalReferences(ShellCommandCheck.shellServices("io.strato.store.shell", 2), List.of());
        assertEquals(StoreCommands.UNAVAILABLE, ShellCommandCheck.run(new StoreStatusCommand()::execute).failure());
        assertEquals(StoreCommands.UNAVAILABLE, ShellCommandCheck.run(new StoreServeCommand()::execute).failure());
    }
}
