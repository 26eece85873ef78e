package io.strato.role.healthmanager;

import io.strato.api.app.DeaAdvertisement;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses a DEA for each new instance: among the DEAs with enough free memory, the one running the fewest
 * instances of the app (spread), then the one with the most free memory. Memory handed out during a pass, and
 * by starts not yet reported, is taken off at once, so no DEA is sent more than it advertised.
 */
final class Placer {

    static final String NO_DEA = "no DEA is available in the cluster";
    static final String NO_MEMORY = "insufficient memory on all DEAs";

    private final Collection<DeaAdvertisement> deas;
    private final Map<String, Long> free = new HashMap<>();

    /**
     * @param deas     the live DEAs
     * @param reserved memory (MB) per DEA of starts ordered but not yet in its advertisement
     */
    Placer(Collection<DeaAdvertisement> deas, Map<String, Long> reserved) {
        this.deas = deas;
        deas.forEach(d -> free.put(d.deaId(), d.memoryFreeMb() - reserved.getOrDefault(d.deaId(), 0L)));
    }

    /** The result of a choice: a DEA, or why there is none. */
    record Choice(String deaId, String problem) {
    }

    /**
     * @param memoryMb  what the instance needs
     * @param appOnDea  instances of the app per DEA, live or on their way
     */
    Choice choose(long memoryMb, Map<String, Long> appOnDea) {
        Optional<DeaAdvertisement> best = deas.stream()
                .filter(d -> free.getOrDefault(d.deaId(), 0L) >= memoryMb)
                .min(Comparator.comparingLong((DeaAdvertisement d) -> appOnDea.getOrDefault(d.deaId(), 0L))
                        .thenComparing(d -> -free.getOrDefault(d.deaId(), 0L))
                        .thenComparing(DeaAdvertisement::deaId));
        if (best.isEmpty()) {
            return new Choice(null, deas.isEmpty() ? NO_DEA : NO_MEMORY + " (" + memoryMb + " MB needed per instance)");
        }
        String deaId = best.get().deaId();
        free.merge(deaId, -memoryMb, Long::sum);
        appOnDea.merge(deaId, 1L, Long::sum);
        return new Choice(deaId, null);
    }
}
