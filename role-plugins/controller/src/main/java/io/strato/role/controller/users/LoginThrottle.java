package io.strato.role.controller.users;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down and then stops password guessing, per user name and per client address.
 *
 * <p>Every login attempt is counted as a failure when it begins ({@link #begin}) and taken back when the password
 * proves right ({@link Attempt#succeeded}), so that many attempts sent at once are limited as well as attempts sent
 * one after the other. After a few failures each answer is held back a little longer; once a name or an address
 * reaches its limit it is locked out: for a while, attempts are refused before the password is even hashed. Each
 * further lockout of the same name or address lasts twice as long as the one before, up to a cap. A successful
 * login clears the user name's record (not the address's: one office behind one address may hold an attacker as
 * well as the user).
 *
 * <p>Addresses get more tries than names, because many people may share one address. The state is in memory,
 * per controller, and bounded: records not touched for {@link Policy#forgetAfter} are forgotten, and when the
 * table is full the records touched longest ago make room (locked ones last).
 */
public final class LoginThrottle {

    private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);

    /**
     * When to slow down and when to lock out. {@code delayAfter} failures go unhindered; each failure beyond
     * holds the next answer back twice as long as the one before, starting at {@code firstDelay} and up to
     * {@code maxDelay}. {@code lockAfter} failures lock out for {@code firstLockout}, doubling per lockout up to
     * {@code maxLockout}.
     */
    public record Policy(int delayAfter, Duration firstDelay, Duration maxDelay, int lockAfter, Duration firstLockout,
                         Duration maxLockout) {
        /** Per user name: three free tries, then 0.5, 1 and 2 s, then a lockout of a minute (up to 15). */
        public static final Policy USER = new Policy(3, Duration.ofMillis(500), Duration.ofSeconds(2), 6,
                Duration.ofMinutes(1), Duration.ofMinutes(15));
        /** Per client address: twenty free failures, then slower answers, and a lockout after forty. */
        public static final Policy ADDRESS = new Policy(20, Duration.ofMillis(250), Duration.ofSeconds(2), 40,
                Duration.ofMinutes(1), Duration.ofMinutes(15));

        Duration delay(int failuresBefore) {
            if (failuresBefore < delayAfter) {
                return Duration.ZERO;
            }
            int doublings = Math.min(failuresBefore - delayAfter, 20);
            Duration d = firstDelay.multipliedBy(1L << doublings);
            return d.compareTo(maxDelay) > 0 ? maxDelay : d;
        }

        Duration lockout(int previousLockouts) {
            int doublings = Math.min(previousLockouts, 20);
            Duration d = firstLockout.multipliedBy(1L << doublings);
            return d.compareTo(maxLockout) > 0 ? maxLockout : d;
        }

        /** A record idle this long is forgotten (a locked one once its lockout is over as well). */
        Duration forgetAfter() {
            return maxLockout.multipliedBy(2);
        }
    }

    /** What to do with one login attempt. */
    public sealed interface Decision permits Allowed, Refused {
    }

    /** Check the password, and hold the answer back for {@code delay}. */
    public record Allowed(Attempt attempt, Duration delay) implements Decision {
    }

    /** Locked out: answer at once without checking the password; the client may try again after {@code retryAfter}. */
    public record Refused(Duration retryAfter) implements Decision {
    }

    private static final class Record {
        int failures;
        int lockouts;
        Instant lockedUntil = Instant.MIN;
        Instant lockedAt = Instant.MIN;
        Instant touched;

        Duration lockout() {
            return Duration.between(lockedAt, lockedUntil);
        }
    }

    private final Clock clock;
    private final int maxEntries;
    private final Policy userPolicy;
    private final Policy addressPolicy;
    private final Map<String, Record> byUser = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Record> byAddress = new LinkedHashMap<>(16, 0.75f, true);

    public LoginThrottle(Clock clock) {
        this(clock, 10_000, Policy.USER, Policy.ADDRESS);
    }

    public LoginThrottle(Clock clock, int maxEntries, Policy userPolicy, Policy addressPolicy) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxEntries = maxEntries;
        this.userPolicy = userPolicy;
        this.addressPolicy = addressPolicy;
    }

    /** A login attempt that was let through: report how it ended. */
    public final class Attempt {
        private final String user;
        private final String address;
        private boolean done;

        private Attempt(String user, String address) {
            this.user = user;
            this.address = address;
        }

        /** The password was right: the user name starts afresh and the address gets its try back. */
        public void succeeded() {
            synchronized (LoginThrottle.this) {
                if (done) {
                    return;
                }
                done = true;
                byUser.remove(user);
                Record a = byAddress.get(address);
                if (a != null && a.failures > 0) {
                    a.failures--;
                }
            }
        }

        /** The password was wrong (it was counted as such when the attempt began). */
        public void failed() {
            synchronized (LoginThrottle.this) {
                done = true;
            }
        }
    }

    /** Decides on an attempt to log in as {@code user} from {@code address}, and counts it as a failure until it succeeds. */
    public synchronized Decision begin(String user, String address) {
        user = user == null ? "" : user;
        address = address == null ? "unknown" : address;
        Instant now = clock.instant();
        Record u = fresh(byUser, user, userPolicy, now);
        Record a = fresh(byAddress, address, addressPolicy, now);
        Duration wait = Duration.ZERO;
        if (u != null && now.isBefore(u.lockedUntil)) {
            wait = Duration.between(now, u.lockedUntil);
        }
        if (a != null && now.isBefore(a.lockedUntil)) {
            Duration w = Duration.between(now, a.lockedUntil);
            wait = w.compareTo(wait) > 0 ? w : wait;
        }
        if (!wait.isZero()) {
            return new Refused(wait);
        }
        u = u != null ? u : put(byUser, user, now);
        a = a != null ? a : put(byAddress, address, now);
        Duration delay = max(userPolicy.delay(u.failures), addressPolicy.delay(a.failures));
        if (fail(u, userPolicy, now)) {
            LOG.warn("logins as user '{}' are refused for {} s after {} failed attempts (lockout number {}; the last"
                    + " attempt came from {})", user, u.lockout().toSeconds(), u.failures, u.lockouts, address);
        }
        if (fail(a, addressPolicy, now)) {
            LOG.warn("logins from address {} are refused for {} s after {} failed attempts with any user name (lockout"
                    + " number {}; the last attempt was for user '{}')", address, a.lockout().toSeconds(), a.failures,
                    a.lockouts, user);
        }
        return new Allowed(new Attempt(user, address), delay);
    }

    /** Counts a failure; true when it starts a lockout. */
    private static boolean fail(Record r, Policy policy, Instant now) {
        r.failures++;
        r.touched = now;
        if (r.failures < policy.lockAfter()) {
            return false;
        }
        r.lockedUntil = now.plus(policy.lockout(r.lockouts++));
        r.lockedAt = now;
        return true;
    }

    /** The record of {@code key}, unless it has been idle long enough to be forgotten. */
    private static Record fresh(Map<String, Record> table, String key, Policy policy, Instant now) {
        Record r = table.get(key);
        if (r != null && !now.isBefore(r.touched.plus(policy.forgetAfter())) && !now.isBefore(r.lockedUntil)) {
            table.remove(key);
            return null;
        }
        return r;
    }

    private Record put(Map<String, Record> table, String key, Instant now) {
        if (table.size() >= maxEntries) {
            makeRoom(table, now);
        }
        Record r = new Record();
        r.touched = now;
        table.put(key, r);
        return r;
    }

    /** Forgets idle records; if none is idle, the unlocked one touched longest ago, else the eldest of all. */
    private void makeRoom(Map<String, Record> table, Instant now) {
        Duration forget = table == byUser ? userPolicy.forgetAfter() : addressPolicy.forgetAfter();
        table.values().removeIf(r -> !now.isBefore(r.touched.plus(forget)) && !now.isBefore(r.lockedUntil));
        if (table.size() < maxEntries) {
            return;
        }
        for (Iterator<Record> it = table.values().iterator(); it.hasNext(); ) {
            if (!now.isBefore(it.next().lockedUntil)) {
                it.remove();
                return;
            }
        }
        Iterator<Record> eldest = table.values().iterator();
        eldest.next();
        eldest.remove();
    }

    /** How many user names and addresses are on record (for tests and diagnostics). */
    public synchronized int size() {
        return byUser.size() + byAddress.size();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
