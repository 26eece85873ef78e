package io.strato.core.internal;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IMap;
import com.hazelcast.core.ITopic;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.strato.api.cluster.ClusterSecret;
import io.strato.api.cluster.Registration;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.SharedState;
import io.strato.api.cluster.Topic;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@link SharedState} on the Hazelcast instance of Karaf Cellar, every value and message sealed with the
 * cluster secret ({@link SealedSharedState}): all roles read and write cluster state through it, so only
 * nodes holding the secret can read or write it. It lives as long as that instance: when Cellar restarts
 * Hazelcast (a node attaching to another cluster, with another secret), this service goes away and comes
 * back, and so do the roles built on it.
 */
@Component(service = {SharedState.class, HazelcastSharedState.class})
public class HazelcastSharedState implements SharedState {

    private final SealedSharedState sealed;

    @Activate
    public HazelcastSharedState(@Reference HazelcastInstance hazelcast, @Reference ClusterSecret secret) {
        this.sealed = new SealedSharedState(new Raw(hazelcast), secret.value());
    }

    @Override
    public SharedMap map(String name) {
        return sealed.map(name);
    }

    @Override
    public Topic topic(String name) {
        return sealed.topic(name);
    }

    /** Whether the entry opens with this node's secret; empty when there is none. */
    Optional<Boolean> opens(String map, String key) {
        return sealed.opens(map, key);
    }

    /** The transport: plain Hazelcast maps and topics of strings. */
    private record Raw(HazelcastInstance hazelcast) implements SharedState {

        @Override
        public SharedMap map(String name) {
            return new HazelcastMap(hazelcast.getMap(name));
        }

        @Override
        public Topic topic(String name) {
            ITopic<Object> topic = hazelcast.getTopic(name);
            return new Topic() {
                @Override
                public void publish(String message) {
                    topic.publish(message);
                }

                @Override
                public Registration subscribe(Consumer<String> listener) {
                    String id = topic.addMessageListener(m -> {
                        String message;
                        try {
                            message = text(m.getMessageObject());
                        } catch (RuntimeException e) {
                            if (!unreadable(e)) {
                                throw e;
                            }
                            message = ""; // does not open: dropped and reported by the sealing layer
                        }
                        listener.accept(message);
                    });
                    return () -> topic.removeMessageListener(id);
                }
            };
        }
    }

    /** Keys and values are strings; anything else (written by a process that is not a node) reads as "" and does not open. */
    private static String text(Object o) {
        return o instanceof String s ? s : "";
    }

    /** A value Hazelcast cannot (or may not) turn back into an object: written by a process that is not a node. */
    private static boolean unreadable(RuntimeException e) {
        return e instanceof HazelcastSerializationException || e instanceof SecurityException
                || e.getCause() instanceof SecurityException || e.getCause() instanceof ClassNotFoundException;
    }

    private record HazelcastMap(IMap<Object, Object> map) implements SharedMap {

        @Override
        public Optional<String> get(String key) {
            try {
                return Optional.ofNullable(map.get(key)).map(HazelcastSharedState::text);
            } catch (RuntimeException e) {
                if (unreadable(e)) {
                    return Optional.of(""); // does not open: ignored and reported by the sealing layer
                }
                throw e;
            }
        }

        @Override
        public void put(String key, String value) {
            map.set(key, value);
        }

        @Override
        public void put(String key, String value, Duration ttl) {
            map.set(key, value, ttl.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public Optional<String> putIfAbsent(String key, String value, Duration ttl) {
            return Optional.ofNullable(ttl == null ? map.putIfAbsent(key, value)
                    : map.putIfAbsent(key, value, ttl.toMillis(), TimeUnit.MILLISECONDS)).map(HazelcastSharedState::text);
        }

        @Override
        public boolean replace(String key, String expected, String value) {
            return map.replace(key, expected, value);
        }

        @Override
        public void remove(String key) {
            map.delete(key);
        }

        @Override
        public boolean remove(String key, String expected) {
            return map.remove(key, expected);
        }

        @Override
        public Map<String, String> entries() {
            Map<String, String> out = new HashMap<>();
            try {
                map.forEach((k, v) -> {
                    if (k instanceof String key) {
                        out.put(key, text(v));
                    }
                });
            } catch (RuntimeException e) {
                if (!unreadable(e)) {
                    throw e;
                }
                // one value nobody can read must not hide the others: read them one by one
                out.clear();
                for (Object k : map.keySet()) {
                    if (k instanceof String key) {
                        get(key).ifPresent(v -> out.put(key, v));
                    }
                }
            }
            return out;
        }

        @Override
        public Registration listen(MapListener listener) {
            String id = map.addEntryListener(new Forwarder(listener), true);
            return () -> map.removeEntryListener(id);
        }
    }

    private record Forwarder(SharedMap.MapListener listener) implements EntryAddedListener<Object, Object>,
            EntryUpdatedListener<Object, Object>, EntryRemovedListener<Object, Object>, EntryExpiredListener<Object, Object> {

        private void changed(Object key, Optional<String> value) {
            if (key instanceof String k) {
                listener.changed(k, value);
            }
        }

        private static Optional<String> value(EntryEvent<Object, Object> e) {
            try {
                return Optional.ofNullable(e.getValue()).map(HazelcastSharedState::text);
            } catch (RuntimeException ex) {
                if (unreadable(ex)) {
                    return Optional.of(""); // does not open: ignored and reported by the sealing layer
                }
                throw ex;
            }
        }

        @Override
        public void entryAdded(EntryEvent<Object, Object> e) {
            changed(e.getKey(), value(e));
        }

        @Override
        public void entryUpdated(EntryEvent<Object, Object> e) {
            changed(e.getKey(), value(e));
        }

        @Override
        public void entryRemoved(EntryEvent<Object, Object> e) {
            changed(e.getKey(), Optional.empty());
        }

        @Override
        public void entryExpired(EntryEvent<Object, Object> e) {
            changed(e.getKey(), Optional.empty());
        }
    }
}
