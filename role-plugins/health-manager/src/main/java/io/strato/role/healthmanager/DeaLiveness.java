package io.strato.role.healthmanager;

import io.strato.api.app.DeaAdvertisement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which DEAs are alive, judged by their advertisements changing (each refresh carries a new timestamp), on
 * this node's own clock, so clock differences between nodes do not matter. A DEA whose advertisement has not
 * changed for {@link HealthSettings#deaLostAfter()}, or is gone, is lost; it is reported lost once.
 */
final class DeaLiveness {

    private record Seen(long advertisedAt, long changedAt) {
    }

    private final long lostAfterMillis;
    private final Map<String, Seen> seen = new HashMap<>();
    private final Set<String> lost = new HashSet<>();

    DeaLiveness(HealthSettings settings) {
        this.lostAfterMillis = settings.deaLostAfter().toMillis();
    }

    /** The outcome of one look: the live DEAs, and those declared lost in this look. */
    record Outcome(Map<String, DeaAdvertisement> live, Set<String> newlyLost) {
    }

    /** @param nowMillis a monotonic clock of this node, in millis */
    Outcome observe(List<DeaAdvertisement> ads, long nowMillis) {
        Map<String, DeaAdvertisement> live = new HashMap<>();
        Set<String> present = new HashSet<>();
        for (DeaAdvertisement ad : ads) {
            present.add(ad.deaId());
            Seen before = seen.get(ad.deaId());
            if (before == null || before.advertisedAt() != ad.advertisedAt()) {
                seen.put(ad.deaId(), new Seen(ad.advertisedAt(), nowMillis));
                lost.remove(ad.deaId());
            }
            if (nowMillis - seen.get(ad.deaId()).changedAt() < lostAfterMillis) {
                live.put(ad.deaId(), ad);
            }
        }
        Set<String> newlyLost = new HashSet<>();
        for (String deaId : seen.keySet()) {
            if (!live.containsKey(deaId) && lost.add(deaId)) {
                newlyLost.add(deaId);
            }
        }
        // a DEA gone from the map and already reported needs no memory
        seen.keySet().removeIf(id -> !present.contains(id) && lost.contains(id));
        lost.removeIf(id -> !present.contains(id) && !seen.containsKey(id) && !newlyLost.contains(id));
        return new Outcome(live, newlyLost);
    }
}
