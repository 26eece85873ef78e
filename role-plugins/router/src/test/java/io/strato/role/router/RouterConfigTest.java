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
                new RouterConfig(8080, "127.0.0.1", 5000, 60, RouterConfig.AUTOMATIC_THREADS, 16, 20).threads());
        assertEquals(3, new RouterConfig(8080, "127.0.0.1", 5000, 60, 3, 16, 20).threads());
    }

    @Test
    void negativeThreadsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RouterConfig(8080, "127.0.0.1", 5000, 60, -1, 16, 20));
    }

    @Test
    void idleConnectionsPerInstanceAreSharedOutAmongTheThreads() {
        assertEquals(RouterConfig.DEFAULT_MAX_IDLE_CONNECTIONS_PER_INSTANCE,
                new RouterConfig(8080, "127.0.0.1", 5000, 60).maxIdleConnectionsPerInstance());
        assertEquals(1024, new RouterConfig(8080, "127.0.0.1", 5000, 60, 1, 1024, 20).maxIdleConnectionsPerThread());
        assertEquals(342, new RouterConfig(8080, "127.0.0.1", 5000, 60, 3, 1024, 20).maxIdleConnectionsPerThread());
        assertEquals(0, new RouterConfig(8080, "127.0.0.1", 5000, 60, 2, 0, 20).maxIdleConnectionsPerThread());
        assertThrows(IllegalArgumentException.class, () -> new RouterConfig(8080, "127.0.0.1", 5000, 60, 1, -1, 20));
    }

    @Test
    void aHeadTimeoutMustBePositive() {
        assertEquals(RouterConfig.DEFAULT_HEAD_TIMEOUT_SECONDS, new RouterConfig(8080, "127.0.0.1", 5000, 60).headTimeoutSeconds());
        assertThrows(IllegalArgumentException.class, () -> new RouterConfig(8080, "127.0.0.1", 5000, 60, 1, 16, 0));
    }
}
