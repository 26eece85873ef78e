package io.strato.role.healthmanager;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Crash counts per instance index ({@code appGuid/index}) and when each may be started again: the first
 * {@link HealthSettings#immediateRestarts()} crashes restart at once, every further one waits twice as long as
 * the one before, from {@link HealthSettings#backoffStart()} up to {@link HealthSettings#backoffMax()}.
 */
final class CrashBackoff {

    private record Count(int crashes, long restartAt) {
    }

    private final HealthSettings settings;
    private final Map<String, Count> counts = new ConcurrentHashMap<>();

    CrashBackoff(HealthSettings settings) {
        this.settings = settings;
    }

    /** Counts a crash at {@code now}; @return when the index may start again (epoch millis) */
    long crashed(String key, long now) {
        Count c = counts.merge(key, new Count(1, now), (old, one) -> new Count(old.crashes() + 1, now));
        long restartAt = now + delayAfter(c.crashes());
        counts.put(key, new Count(c.crashes(), restartAt));
        return restartAt;
    }

    long delayAfter(int crashes) {
        int beyond = crashes - settings.immediateRestarts();
        if (beyond <= 0) {
            return 0;
        }
        long delay = settings.backoffStart().toMillis();
        long max = settings.backoffMax().toMillis();
        for (int i = 1; i < beyond && delay < max; i++) {
            delay *= 2;
        }
        return Math.min(delay, max);
    }

    /** Whether the index may be started at {@code now}. */
    boolean mayStart(String key, long now) {
        Count c = counts.get(key);
        return c == null || c.restartAt() <= now;
    }

    int crashes(String key) {
        Count c = counts.get(key);
        return c == null ? 0 : c.crashes();
    }

    long restartAt(String key) {
        Count c = counts.get(key);
        return c == null ? 0 : c.restartAt();
    }

    /** Whether the index is in back-off: it crashed more often than the immediate restarts allow. */
    boolean flapping(String key) {
        return crashes(key) > settings.immediateRestarts();
    }

    /** The index ran steadily: its crashes are forgiven. */
    void forget(String key) {
        counts.remove(key);
    }

    /** Forgets every index of apps no longer wanted. */
    void retainApps(java.util.Set<String> appGuids) {
        counts.keySet().removeIf(k -> !appGuids.contains(k.substring(0, k.lastIndexOf('/'))));
    }
}
