package io.strato.role.router;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live instances of one host and the round-robin position among them. Immutable apart from the
 * position, which survives route changes so a busy host keeps spreading evenly.
 */
final class HostBackends {

    private final List<Backend> backends;
    private final AtomicInteger position;

    HostBackends(List<Backend> backends, AtomicInteger position) {
        this.backends = List.copyOf(backends);
        this.position = position;
    }

    List<Backend> backends() {
        return backends;
    }

    AtomicInteger position() {
        return position;
    }

    /** The next instance in turn that is not in {@code excluded}; null when none is left. */
    Backend next(Collection<Backend> excluded) {
        int n = backends.size();
        int start = Math.floorMod(position.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Backend candidate = backends.get((start + i) % n);
            if (excluded == null || !excluded.contains(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The instance with this id, for sticky sessions; null when it is gone. */
    Backend instance(String instanceId) {
        for (Backend b : backends) {
            if (b.instanceId().equals(instanceId)) {
                return b;
            }
        }
        return null;
    }
}
