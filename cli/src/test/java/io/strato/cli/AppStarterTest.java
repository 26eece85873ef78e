package io.strato.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppStarterTest {

    @Test
    void pollsComeEvery50MsForASecondThenAtDoublingIntervalsUpToTheLongest() {
        List<Long> waits = new ArrayList<>();
        Duration wait = AppStarter.FIRST_WAIT;
        Duration waited = Duration.ZERO;
        while (waits.size() < 26) {
            waits.add(wait.toMillis());
            waited = waited.plus(wait);
            wait = AppStarter.nextWait(wait, AppStarter.DEFAULT_POLL_INTERVAL, waited);
        }
        List<Long> expected = new ArrayList<>(java.util.Collections.nCopies(20, 50L));
        expected.addAll(List.of(100L, 200L, 400L, 800L, 1000L, 1000L));
        assertEquals(expected, waits);
    }
}
