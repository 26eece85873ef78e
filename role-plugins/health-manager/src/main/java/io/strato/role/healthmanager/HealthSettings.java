package io.strato.role.healthmanager;

import java.time.Duration;

/**
 * How the health manager behaves.
 *
 * @param interval          time between two full passes (changes to apps and instances also trigger one)
 * @param deaLostAfter      a DEA whose advertisement has not changed for this long is declared lost
 * @param immediateRestarts crashes of one instance index restarted at once before back-off begins
 * @param backoffStart      delay before the restart after the first crash past {@code immediateRestarts}
 * @param backoffMax        the delay doubles with every further crash up to this
 * @param steadyAfter       an index that has run this long without crashing starts counting crashes anew
 * @param startGrace        how long a START may take to show up before it is sent again
 */
public record HealthSettings(Duration interval, Duration deaLostAfter, int immediateRestarts, Duration backoffStart,
                             Duration backoffMax, Duration steadyAfter, Duration startGrace) {

    /** Cloud Foundry's hm9000 values: 3 immediate restarts, then 30 s doubling up to 16 minutes. */
    public static final HealthSettings DEFAULTS = new HealthSettings(Duration.ofSeconds(1), Duration.ofSeconds(7), 3,
            Duration.ofSeconds(30), Duration.ofMinutes(16), Duration.ofMinutes(5), Duration.ofSeconds(30));

    public HealthSettings {
        positive(interval, "interval");
        positive(deaLostAfter, "deaLostAfter");
        positive(backoffStart, "backoffStart");
        positive(steadyAfter, "steadyAfter");
        positive(startGrace, "startGrace");
        if (backoffMax.compareTo(backoffStart) < 0) {
            throw new IllegalArgumentException("backoffMax must not be shorter than backoffStart");
        }
        if (immediateRestarts < 0) {
            throw new IllegalArgumentException("immediateRestarts must be 0 or more, not " + immediateRestarts);
        }
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + d);
        }
    }
}
