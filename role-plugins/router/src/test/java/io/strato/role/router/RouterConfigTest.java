package io.strato.role.router;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RouterConfigTest {

    @Test
    void threadsAreHalfTheCpusUnlessConfigured() {
        assertEquals(1, RouterConfig.defaultThreads(1));
        assertEquals(1, RouterConfig.defaultThreads(2));
        assertEquals(2, RouterConfig.defaultThreads(4));
        assertEquals(8, RouterConfig.defaultThreads(16));
        int cpus = Runtime.getRuntime().availableProcessors();
        assertEquals(RouterConfig.defaultThreads(cpus), new RouterConfig(8080, "127.0.0.1", 5000, 60).threads());
        assertEquals(RouterConfig.defaultThreads(cpus),
                new RouterConfig(8080, "127.0.0.1", 5000, 60, RouterConfig.AUTOMATIC_THREADS).threads());
        assertEquals(3, new RouterConfig(8080, "127.0.0.1", 5000, 60, 3).threads());
    }

    @Test
    void negativeThreadsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RouterConfig(8080, "127.0.0.1", 5000, 60, -1));
    }
}
