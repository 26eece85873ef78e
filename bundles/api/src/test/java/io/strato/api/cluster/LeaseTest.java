package io.strato.api.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One holder at a time; the lease passes on when released or when its holder stops renewing it. */
class LeaseTest {

    private final LocalSharedState shared = new LocalSharedState();

    @AfterEach
    void close() {
        shared.close();
    }

    private Lease lease(String holder, Duration ttl) {
        return new Lease(shared.map("test.lease"), holder, ttl);
    }

    @Test
    void oneHoldsAndTheOtherTakesOverWhenItIsReleased() {
        Lease a = lease("a", Duration.ofMinutes(1));
        Lease b = lease("b", Duration.ofMinutes(1));
        assertTrue(a.hold());
        assertTrue(a.hold(), "renewing");
        assertFalse(b.hold());
        assertEquals(Optional.of("a"), b.holder());
        b.release();
        assertEquals(Optional.of("a"), a.holder(), "only the holder can release it");
        a.release();
        assertTrue(b.hold());
        assertFalse(a.hold());
    }

    @Test
    void aHolderThatStopsRenewingLosesTheLease() throws InterruptedException {
        Lease a = lease("a", Duration.ofMillis(300));
        Lease b = lease("b", Duration.ofMillis(300));
        assertTrue(a.hold());
        assertFalse(b.hold());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!b.hold() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(Optional.of("b"), b.holder(), "b takes over once a's lease expired");
        assertFalse(a.hold());
    }
}
