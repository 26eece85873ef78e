package io.strato.role.controller.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final TokenServiceTest.MovableClock clock = new TokenServiceTest.MovableClock();
    private final LoginThrottle throttle = new LoginThrottle(clock);

    private LoginThrottle.Allowed fail(String user, String address) {
        LoginThrottle.Allowed allowed = assertInstanceOf(LoginThrottle.Allowed.class, throttle.begin(user, address));
        allowed.attempt().failed();
        return allowed;
    }

    @Test
    void answersSlowDownThenTheUserIsLockedOutForAWhile() {
        assertEquals(Duration.ZERO, fail("bob", "10.0.0.1").delay());
        assertEquals(Duration.ZERO, fail("bob", "10.0.0.1").delay());
        assertEquals(Duration.ZERO, fail("bob", "10.0.0.1").delay());
        assertEquals(Duration.ofMillis(500), fail("bob", "10.0.0.1").delay());
        assertEquals(Duration.ofSeconds(1), fail("bob", "10.0.0.1").delay());
        assertEquals(Duration.ofSeconds(2), fail("bob", "10.0.0.1").delay());
        LoginThrottle.Refused refused = assertInstanceOf(LoginThrottle.Refused.class, throttle.begin("bob", "10.0.0.2"));
        assertEquals(Duration.ofMinutes(1), refused.retryAfter());
        assertInstanceOf(LoginThrottle.Allowed.class, throttle.begin("carol", "10.0.0.1"), "another user is not locked");
        clock.now = clock.now.plusSeconds(59);
        assertEquals(Duration.ofSeconds(1),
                assertInstanceOf(LoginThrottle.Refused.class, throttle.begin("bob", "10.0.0.1")).retryAfter());
        clock.now = clock.now.plusSeconds(1);
        fail("bob", "10.0.0.1");
        assertEquals(Duration.ofMinutes(2), assertInstanceOf(LoginThrottle.Refused.class,
                throttle.begin("bob", "10.0.0.1")).retryAfter(), "the next lockout lasts twice as long");
    }

    @Test
    void lockoutsGrowUpToACap() {
        for (int i = 0; i < 6; i++) {
            fail("bob", "10.0.0." + i);
        }
        Duration last = Duration.ZERO;
        for (int lockout = 0; lockout < 10; lockout++) {
            LoginThrottle.Refused r = assertInstanceOf(LoginThrottle.Refused.class, throttle.begin("bob", "10.0.1.1"));
            assertTrue(r.retryAfter().compareTo(last) >= 0);
            last = r.retryAfter();
            clock.now = clock.now.plus(r.retryAfter());
            fail("bob", "10.0.2." + lockout);
        }
        assertEquals(Duration.ofMinutes(15), last);
    }

    @Test
    void aSuccessfulLoginResetsTheUsersCount() {
        for (int i = 0; i < 5; i++) {
            fail("bob", "10.0.0.1");
        }
        LoginThrottle.Allowed ok = assertInstanceOf(LoginThrottle.Allowed.class, throttle.begin("bob", "10.0.0.1"));
        ok.attempt().succeeded();
        for (int i = 0; i < 3; i++) {
            assertEquals(Duration.ZERO, fail("bob", "10.0.0.1").delay(), "counting starts afresh");
        }
    }

    @Test
    void attemptsInFlightCountAsFailuresSoParallelGuessesAreLimitedToo() {
        for (int i = 0; i < 6; i++) {
            assertInstanceOf(LoginThrottle.Allowed.class, throttle.begin("bob", "10.0.0.1")); // none answered yet
        }
        assertInstanceOf(LoginThrottle.Refused.class, throttle.begin("bob", "10.0.0.1"));
    }

    @Test
    void oneAddressTryingManyNamesIsLockedOut() {
        for (int i = 0; i < 39; i++) {
            fail("user" + i, "203.0.113.9");
        }
        fail("user39", "203.0.113.9");
        assertInstanceOf(LoginThrottle.Refused.class, throttle.begin("someone-else", "203.0.113.9"));
        assertInstanceOf(LoginThrottle.Allowed.class, throttle.begin("someone-else", "198.51.100.1"));
    }

    @Test
    void successfulLoginsFromOneAddressDoNotAddUp() {
        for (int i = 0; i < 200; i++) {
            LoginThrottle.Allowed a = assertInstanceOf(LoginThrottle.Allowed.class, throttle.begin("u" + (i % 7), "10.9.9.9"));
            assertEquals(Duration.ZERO, a.delay());
            a.attempt().succeeded();
        }
    }

    @Test
    void theTableIsBoundedAndForgetsIdleRecords() {
        LoginThrottle small = new LoginThrottle(clock, 100, LoginThrottle.Policy.USER, LoginThrottle.Policy.ADDRESS);
        for (int i = 0; i < 10_000; i++) {
            ((LoginThrottle.Allowed) small.begin("user" + i, "10.0." + (i / 250) + "." + (i % 250))).attempt().failed();
        }
        assertTrue(small.size() <= 200, "size " + small.size());
        for (int i = 0; i < 2; i++) {
            fail("bob", "10.0.0.1");
        }
        clock.now = clock.now.plus(Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            assertEquals(Duration.ZERO, fail("bob", "10.0.0.1").delay(), "old failures are forgotten");
        }
    }
}
