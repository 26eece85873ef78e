package io.strato.core.internal;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IMap;
import com.hazelcast.core.ITopic;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
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
 * {@link SharedState} on the Hazelcast instance of Karaf Cellar. It lives as long as that instance: when
 * Cellar restarts Hazelcast (a node attaching to another cluster), this service goes away and comes back,
 * and so do the roles built on it.
 */
@Component(service = SharedState.class)
public class HazelcastSharedState implements SharedState {

    private final HazelcastInstance hazelcast;

    @Activate
    public HazelcastSharedState(@Reference HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
    }

    @Override
    public SharedMap map(String name) {
        return new HazelcastMap(hazelcast.getMap(name));
    }

    @Override
    public Topic topic(String name) {
        ITopic<String> topic = hazelcast.getTopic(name);
        return new Topic() {
            @Override
            public void publish(String message) {
                topic.publish(message);
            }

            @Override
            public Registration subscribe(Consumer<String> listener) {
                String id = topic.addMessageListener(m -> listener.accept(m.getMessageObject()));
                return () -> topic.removeMessageListener(id);
            }
        };
    }

    private record HazelcastMap(IMap<String, String> map) implements SharedMap {

        @Override
        public Optional<String> get(String key) {
            return Optional.ofNullable(map.get(key));
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
                    : map.putIfAbsent(key, value, ttl.toMillis(), TimeUnit.MILLISECONDS));
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
            return new HashMap<>(map);
        }

        @Override
        public Registration listen(MapListener listener) {
            String id = map.addEntryListener(new Forwarder(listener), true);
            return () -> map.removeEntryListener(id);
        }
    }

    private record Forwarder(SharedMap.MapListener listener) implements EntryAddedListener<String, String>,
            EntryUpdatedListener<String, String>, EntryRemovedListener<String, String>, EntryExpiredListener<String, String> {

        @Override
        public void entryAdded(EntryEvent<String, String> e) {
            listener.changed(e.getKey(), Optional.ofNullable(e.getValue()));
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> e) {
            listener.changed(e.getKey(), Optional.ofNullable(e.getValue()));
        }

        @Override
        public void entryRemoved(EntryEvent<String, String> e) {
            listener.changed(e.getKey(), Optional.empty());
        }

        @Override
        public void entryExpired(EntryEvent<String, String> e) {
            listener.changed(e.getKey(), Optional.empty());
        }
    }
}
