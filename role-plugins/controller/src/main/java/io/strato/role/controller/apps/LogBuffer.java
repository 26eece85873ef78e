package io.strato.role.controller.apps;

import io.strato.api.app.Channels;
import io.strato.api.app.LogLine;
import io.strato.api.cluster.Registration;
import io.strato.api.cluster.SharedState;
import io.strato.api.json.Json;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last {@value #LINES_PER_APP} log lines of each app, from {@link Channels#APP_LOGS} and from staging,
 * and live followers ({@code logs?follow=true}). Each follower has a bounded queue: one that does not keep up
 * is dropped rather than allowed to hold memory.
 */
public final class LogBuffer implements AutoCloseable {

    public static final int LINES_PER_APP = 1000;
    public static final int FOLLOWER_QUEUE = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(LogBuffer.class);

    private final Map<String, Deque<LogLine>> lines = new ConcurrentHashMap<>();
    private final Map<String, List<Follower>> followers = new ConcurrentHashMap<>();
    private final Registration subscription;

    public LogBuffer(SharedState shared) {
        subscription = shared.topic(Channels.APP_LOGS).subscribe(this::received);
    }

    /** A reader of an app's new lines; {@link #next} returns null on timeout, and after it was dropped. */
    public static final class Follower implements AutoCloseable {
        private final BlockingQueue<LogLine> queue = new ArrayBlockingQueue<>(FOLLOWER_QUEUE);
        private final Runnable unregister;
        private volatile boolean dropped;

        private Follower(Runnable unregister) {
            this.unregister = unregister;
        }

        public LogLine next(long timeout, TimeUnit unit) throws InterruptedException {
            return dropped ? null : queue.poll(timeout, unit);
        }

        public boolean dropped() {
            return dropped;
        }

        @Override
        public void close() {
            dropped = true;
            unregister.run();
        }
    }

    public void add(LogLine line) {
        Deque<LogLine> deque = lines.computeIfAbsent(line.appGuid(), k -> new ArrayDeque<>());
        synchronized (deque) {
            deque.addLast(line);
            while (deque.size() > LINES_PER_APP) {
                deque.removeFirst();
            }
        }
        for (Follower f : followers.getOrDefault(line.appGuid(), List.of())) {
            if (!f.queue.offer(line)) {
                f.close();
            }
        }
    }

    /** The last {@code n} lines of the app, oldest first. */
    public List<LogLine> recent(String appGuid, int n) {
        Deque<LogLine> deque = lines.get(appGuid);
        if (deque == null) {
            return List.of();
        }
        synchronized (deque) {
            List<LogLine> all = new ArrayList<>(deque);
            return all.subList(Math.max(0, all.size() - n), all.size());
        }
    }

    public Follower follow(String appGuid) {
        List<Follower> list = followers.computeIfAbsent(appGuid, k -> new CopyOnWriteArrayList<>());
        Follower[] holder = new Follower[1];
        holder[0] = new Follower(() -> list.remove(holder[0]));
        list.add(holder[0]);
        return holder[0];
    }

    /** Forgets a deleted app: its lines go, its followers are ended. */
    public void forget(String appGuid) {
        lines.remove(appGuid);
        List<Follower> list = followers.remove(appGuid);
        if (list != null) {
            list.forEach(Follower::close);
        }
    }

    private void received(String message) {
        try {
            add(Json.read(message, LogLine.class));
        } catch (IllegalArgumentException e) {
            LOG.debug("ignoring an unreadable log line: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        subscription.close();
        followers.values().forEach(list -> list.forEach(Follower::close));
    }
}
