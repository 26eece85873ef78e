package io.strato.role.router;

import io.strato.api.app.RouteEntry;
import io.strato.api.cluster.Registration;
import io.strato.api.cluster.SharedMap;
import io.strato.api.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Host name → live instances, mirrored from the shared routes map. Reads (one per request) are
 * lock-free; changes, which come from the cluster's listener threads, rebuild the affected host.
 */
final class RouteTable implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouteTable.class);

    private final SharedMap source;
    private final Map<String, HostBackends> byHost = new ConcurrentHashMap<>();
    private final Map<String, Backend> byKey = new HashMap<>();
    private final Map<String, Map<String, Backend>> keysByHost = new HashMap<>();
    /** Changes heard while the first snapshot is read; replayed after it so none is lost or undone. */
    private List<Map.Entry<String, Optional<String>>> heardDuringLoad = new ArrayList<>();
    private Registration registration;

    RouteTable(SharedMap source) {
        this.source = source;
    }

    /** Loads the current routes and follows every later change. */
    void start() {
        registration = source.listen(this::changed);
        Map<String, String> snapshot = source.entries();
        List<Map.Entry<String, Optional<String>>> replay;
        synchronized (this) {
            snapshot.forEach((key, value) -> apply(key, Optional.of(value)));
            replay = heardDuringLoad;
            heardDuringLoad = null;
            replay.forEach(change -> apply(change.getKey(), change.getValue()));
            LOG.info("Router knows {} route(s) to {} host(s)", byKey.size(), byHost.size());
        }
    }

    /** The instances of {@code host} (lower case, no port), or null when the host has no route. */
    HostBackends lookup(String host) {
        return byHost.get(host);
    }

    @Override
    public void close() {
        if (registration != null) {
            registration.close();
        }
    }

    private synchronized void changed(String key, Optional<String> value) {
        if (heardDuringLoad != null) {
            heardDuringLoad.add(Map.entry(key, value));
        } else {
            apply(key, value);
        }
    }

    private void apply(String key, Optional<String> value) {
        if (value.isEmpty()) {
            Backend gone = byKey.remove(key);
            if (gone != null) {
                forget(key, gone);
                rebuild(gone.route().host());
                LOG.info("Route {} no longer goes to {} (removed or expired)", gone.route().host(), gone.describe());
            }
            return;
        }
        RouteEntry entry;
        try {
            entry = Json.read(value.get(), RouteEntry.class);
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring route entry {}: {}", key, e.getMessage());
            return;
        }
        Backend previous = byKey.get(key);
        if (previous != null && previous.route().equals(entry)) {
            return; // the owner's periodic refresh: nothing changed
        }
        Backend backend = Backend.of(entry);
        if (previous != null) {
            forget(key, previous);
        }
        byKey.put(key, backend);
        keysByHost.computeIfAbsent(entry.host(), h -> new HashMap<>()).put(key, backend);
        if (previous != null && !previous.route().host().equals(entry.host())) {
            rebuild(previous.route().host());
        }
        rebuild(entry.host());
        LOG.info("Route {} now also goes to {}", entry.host(), backend.describe());
    }

    private void forget(String key, Backend backend) {
        String host = backend.route().host();
        Map<String, Backend> keys = keysByHost.get(host);
        if (keys != null) {
            keys.remove(key);
            if (keys.isEmpty()) {
                keysByHost.remove(host);
            }
        }
    }

    private void rebuild(String host) {
        Map<String, Backend> keys = keysByHost.get(host);
        if (keys == null) {
            byHost.remove(host);
            return;
        }
        List<Backend> live = new ArrayList<>(keys.values());
        live.sort(Comparator.comparingInt((Backend b) -> b.route().index()).thenComparing(Backend::instanceId));
        HostBackends old = byHost.get(host);
        byHost.put(host, new HostBackends(live, old == null ? new AtomicInteger() : old.position()));
    }
}
