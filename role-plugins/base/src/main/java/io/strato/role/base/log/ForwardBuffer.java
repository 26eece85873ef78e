package io.strato.role.base.log;

import io.strato.api.log.ClusterLogChannels;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * The node's log lines the primary has not acknowledged yet, numbered from 1. Bounded: when full, the oldest lines
 * go and one line in their place says how many went, so the primary learns of the gap.
 */
final class ForwardBuffer {

    /** The logger of the line that stands for dropped lines. */
    static final String DROP_LOGGER = ClusterLogChannels.UNFORWARDED_LOGGER_PREFIX + "forwarder";

    /** One line; {@code dropped > 0} marks the line that stands for that many dropped ones. */
    record Entry(long seq, long timestamp, String level, String logger, String message, List<String> trace, long dropped) {
        boolean standsForDropped() {
            return dropped > 0;
        }
    }

    /** Lines after some sequence number, and whether the first of them is the oldest still held. */
    record Slice(List<Entry> entries, boolean startsAtOldest) {
    }

    private final int capacity;
    private final Deque<Entry> lines = new ArrayDeque<>();
    private long nextSeq = 1;
    private long droppedTotal;

    ForwardBuffer(int capacity) {
        if (capacity < 10) {
            throw new IllegalArgumentException("the log forwarding buffer must hold at least 10 lines, not " + capacity);
        }
        this.capacity = capacity;
    }

    synchronized long append(long timestamp, String level, String logger, String message, List<String> trace) {
        if (lines.size() >= capacity) {
            makeRoom();
        }
        long seq = nextSeq++;
        lines.addLast(new Entry(seq, timestamp, level, logger, message, trace, 0));
        return seq;
    }

    /** Drops the oldest line, folding it into the line that stands for dropped lines at the head. */
    private void makeRoom() {
        // a line standing for dropped ones only ever stands at the head, so the second line is a real one
        Entry oldest = lines.pollFirst();
        Entry next = lines.pollFirst();
        long count = (oldest.standsForDropped() ? oldest.dropped() : 1) + 1;
        droppedTotal += oldest.standsForDropped() ? 1 : 2;
        lines.addFirst(dropped(next, count));
    }

    private Entry dropped(Entry at, long count) {
        return new Entry(at.seq(), at.timestamp(), "WARN", DROP_LOGGER,
                count + " log lines of this node were dropped before the primary had them: the forwarding buffer ("
                        + capacity + " lines) was full while the primary was unreachable or slow",
                List.of(), count);
    }

    /** Up to {@code max} lines with a sequence number above {@code after}, oldest first. */
    synchronized Slice after(long after, int max) {
        List<Entry> out = new ArrayList<>();
        boolean startsAtOldest = false;
        boolean first = true;
        for (Iterator<Entry> it = lines.iterator(); it.hasNext() && out.size() < max; ) {
            Entry e = it.next();
            if (e.seq() > after) {
                if (out.isEmpty()) {
                    startsAtOldest = first;
                }
                out.add(e);
            }
            first = false;
        }
        return new Slice(out, startsAtOldest);
    }

    /** The primary keeps every line up to {@code seq}: they go. */
    synchronized void acknowledge(long seq) {
        while (!lines.isEmpty() && lines.peekFirst().seq() <= seq) {
            lines.pollFirst();
        }
    }

    synchronized int size() {
        return lines.size();
    }

    /** Lines dropped since the node started because the buffer was full. */
    synchronized long droppedTotal() {
        return droppedTotal;
    }

    /** The number the next line gets, less one. */
    synchronized long lastSeq() {
        return nextSeq - 1;
    }

    int capacity() {
        return capacity;
    }
}
