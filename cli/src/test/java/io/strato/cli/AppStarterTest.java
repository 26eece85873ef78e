package io.strato.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppStarterTest {

    @Test
    void pollsComeSoonAfterTheStartThenOnceAnIntervalAtMost() {
        List<Long> waits = new ArrayList<>();
        Duration wait = AppStarter.FIRST_WAIT;
        for (int i = 0; i < 8; i++) {
            waits.add(wait.toMillis());
            wait = AppStarter.nextWait(wait, AppStarter.DEFAULT_POLL_INTERVAL);
        }
        assertEquals(List.of(50L, 100L, 200L, 400L, 800L, 1000L, 1000L, 1000L), waits);
    }
}
