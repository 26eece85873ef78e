package io.strato.role.base.log;

import io.strato.api.cluster.LocalSharedState;
import io.strato.api.cluster.NodeRecord;
import io.strato.api.json.Json;
import io.strato.api.log.ClusterLogChannels;
import io.strato.api.log.LogAck;
import io.strato.api.log.LogBatch;
import io.strato.api.log.NodeLogLine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogSenderTest {

    private static final NodeRecord NODE = new NodeRecord("id-2", "node-2", "127.0.0.1", Map.of(), false, "0.1.0", 0);
    private final LocalSharedState shared = new LocalSharedState();
    private final List<LogBatch> sent = new CopyOnWriteArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final AtomicBoolean primaryAlive = new AtomicBoolean(true);
    private final ForwardBuffer buffer = new ForwardBuffer(1000);
    private final LogSender sender = new LogSender(buffer, "boot-1", shared.topic(ClusterLogChannels.BATCHES),
            shared.map(ClusterLogChannels.ACKS), () -> NODE, primaryAlive::get, clock::get, 3, 2, 10_000);

    LogSenderTest() {
        shared.topic(ClusterLogChannels.BATCHES).subscribe(m -> sent.add(Json.read(m, LogBatch.class)));
    }

    @AfterEach
    void close() {
        shared.close();
    }

    private void log(int n) {
        for (int i = 0; i < n; i++) {
            buffer.append(clock.get(), "INFO", "io.strato.test", "line " + (buffer.lastSeq() + 1), List.of());
        }
    }

    private List<Long> seqsSent() {
        return sent.stream().flatMap(b -> b.lines().stream()).map(NodeLogLine::seq).toList();
    }

    private void ack(long seq) {
        shared.map(ClusterLogChannels.ACKS).put("id-2", Json.write(new LogAck("boot-1", seq)));
    }

    @Test
    void sendsLinesOnceThenAgainFromTheLastAcknowledgementWhenNoneCame() {
        log(5);
        assertEquals(5, sender.round());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqsSent(), "in batches of at most 3, in order");
        NodeLogLine first = sent.get(0).lines().get(0);
        assertEquals("node-2", first.nodeName());
        assertEquals("id-2", first.nodeId());
        assertTrue(sent.get(0).startsAtOldest());

        clock.addAndGet(5_000);
        assertEquals(0, sender.round(), "nothing new, and the acknowledgement is not late yet");

        ack(2); // the primary kept 1 and 2, then went away
        sender.round();
        assertEquals(3, buffer.size(), "acknowledged lines are let go");

        sent.clear();
        clock.addAndGet(10_000);
        sender.round();
        assertEquals(List.of(3L, 4L, 5L), seqsSent(), "sent again from the acknowledgement, nothing before it");
        assertTrue(sent.get(0).startsAtOldest());

        ack(5);
        log(1);
        sent.clear();
        sender.round();
        assertEquals(List.of(6L), seqsSent());
        assertEquals(1, buffer.size());
    }

    @Test
    void keepsLinesWhileThereIsNoPrimaryAndSendsThemWhenOneIsBack() {
        primaryAlive.set(false);
        log(4);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, sender.round());
        }
        assertEquals(4, buffer.size());
        primaryAlive.set(true);
        sender.round();
        assertEquals(List.of(1L, 2L, 3L, 4L), seqsSent());
    }

    @Test
    void aFailingClusterLosesNoLineAndDoesNotFailTheRound() {
        var failing = shared.topic(ClusterLogChannels.BATCHES).subscribe(m -> {
            throw new IllegalStateException("Hazelcast instance is not active!");
        });
        log(3);
        for (int i = 0; i < 20; i++) {
            assertEquals(0, sender.round());
        }
        assertEquals(3, buffer.size(), "nothing lost, and the problem produced no line to forward");
        failing.close();
        sent.clear();
        clock.addAndGet(10_000);
        sender.round();
        assertEquals(List.of(1L, 2L, 3L), seqsSent().subList(seqsSent().size() - 3, seqsSent().size()));
    }

    @Test
    void anAcknowledgementOfAnEarlierBootIsIgnored() {
        log(3);
        sender.round();
        shared.map(ClusterLogChannels.ACKS).put("id-2", Json.write(new LogAck("boot-0", 3)));
        sender.round();
        assertEquals(3, buffer.size());
    }
}
