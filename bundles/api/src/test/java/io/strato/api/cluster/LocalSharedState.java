package io.strato.api.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@link SharedState} inside one JVM: the same contract (TTL entries, listeners, topics) without a
 * cluster. For unit tests of roles and for tools that run outside a node. Close it to stop its expiry
 * thread.
 */
public final class LocalSharedState implements SharedState, AutoCloseable {

    private final Map<String, LocalMap> maps = new ConcurrentHashMap<>();
    private final Map<String, LocalTopic> topics = new ConcurrentHashMap<>();
    private final ScheduledExecutorService expiry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strato-local-shared-state-expiry");
        t.setDaemon(true);
        return t;
    });

    public LocalSharedState() {
        expiry.scheduleWithFixedDelay(() -> maps.values().forEach(LocalMap::expire), 100, 100, TimeUnit.MILLISECONDS);
    }

    @Override
    public SharedMap map(String name) {
        return maps.computeIfAbsent(name, n -> new LocalMap());
    }

    @Override
    public Topic topic(String name) {
        return topics.computeIfAbsent(name, n -> new LocalTopic());
    }

    @Override
    public void close() {
        expiry.shutdownNow();
    }

    /**
     * Drops an entry as a cluster loses the part of its state that only a departed member held: no listener
     * hears of it.
     */
    public void lose(String map, String key) {
        ((LocalMap) map(map)).entries.remove(key);
    }

    private record Entry(String value, long expiresAt) {
        boolean expired(long now) {
            return expiresAt > 0 && now >= expiresAt;
        }
    }

    private static final class LocalMap implements SharedMap {
        private final Map<String, Entry> entries = new ConcurrentHashMap<>();
        private final List<MapListener> listeners = new CopyOnWriteArrayList<>();

        private static long deadline(Duration ttl) {
            return ttl == null || ttl.isZero() ? 0 : System.currentTimeMillis() + ttl.toMillis();
        }

        @Override
        public Optional<String> get(String key) {
            Entry e = entries.get(key);
            return e == null || e.expired(System.currentTimeMillis()) ? Optional.empty() : Optional.of(e.value());
        }

        @Override
        public void put(String key, String value) {
            put(key, value, null);
        }

        @Override
        public void put(String key, String value, Duration ttl) {
            entries.put(key, new Entry(value, deadline(ttl)));
            fire(key, Optional.of(value));
        }

        @Override
        public synchronized Optional<String> putIfAbsent(String key, String value, Duration ttl) {
            Optional<String> existing = get(key);
            if (existing.isPresent()) {
                return existing;
            }
            put(key, value, ttl);
            return Optional.empty();
        }

        @Override
        public synchronized boolean replace(String key, String expected, String value) {
            Entry e = entries.get(key);
            if (e != null && !e.expired(System.currentTimeMillis()) && e.value().equals(expected)
                    && entries.replace(key, e, new Entry(value, 0))) {
                fire(key, Optional.of(value));
                return true;
            }
            return false;
        }

        @Override
        public void remove(String key) {
            if (entries.remove(key) != null) {
                fire(key, Optional.empty());
            }
        }

        @Override
        public synchronized boolean remove(String key, String expected) {
            Entry e = entries.get(key);
            if (e != null && e.value().equals(expected) && entries.remove(key, e)) {
                fire(key, Optional.empty());
                return true;
            }
            return false;
        }

        @Override
        public Map<String, String> entries() {
            long now = System.currentTimeMillis();
            return entries.entrySet().stream().filter(e -> !e.getValue().expired(now))
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().value()));
        }

        @Override
        public Registration listen(MapListener listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        void expire() {
            long now = System.currentTimeMillis();
            entries.forEach((key, e) -> {
                if (e.expired(now) && entries.remove(key, e)) {
                    fire(key, Optional.empty());
                }
            });
        }

        private void fire(String key, Optional<String> value) {
            listeners.forEach(l -> l.changed(key, value));
        }
    }

    private static final class LocalTopic implements Topic {
        private final List<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();

        @Override
        public void publish(String message) {
            subscribers.forEach(s -> s.accept(message));
        }

        @Override
        public Registration subscribe(Consumer<String> listener) {
            subscribers.add(listener);
            return () -> subscribers.remove(listener);
        }
    }
}
