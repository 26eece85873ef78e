package io.strato.role.primary.log;

import io.strato.api.cluster.LocalSharedState;
import io.strato.api.json.Json;
import io.strato.api.log.ClusterLogChannels;
import io.strato.api.log.LogAck;
import io.strato.api.log.LogBatch;
import io.strato.api.log.LogQuery;
import io.strato.api.log.LogTail;
import io.strato.api.log.NodeLogLine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterLogCollectorTest {

    @TempDir
    Path dir;
    private final LocalSharedState shared = new LocalSharedState();

    @AfterEach
    void close() {
        shared.close();
    }

    private ClusterLogCollector collector() {
        return new ClusterLogCollector(shared, dir, 10 * 1024 * 1024, 5, 10_000);
    }

    private static NodeLogLine line(String node, long seq, String level, String message) {
        return new NodeLogLine("id-" + node, node, seq, 1_700_000_000_000L + seq, level, "io.strato.test.Thing", message, List.of());
    }

    private static LogBatch batch(String node, String boot, boolean startsAtOldest, long from, long to) {
        return new LogBatch("id-" + node, boot, startsAtOldest,
                LongStream.rangeClosed(from, to).mapToObj(s -> line(node, s, "INFO", node + " line " + s)).toList());
    }

    private void send(LogBatch batch) {
        shared.topic(ClusterLogChannels.BATCHES).publish(Json.write(batch));
    }

    private long ackOf(String node) {
        return shared.map(ClusterLogChannels.ACKS).get("id-" + node).map(j -> Json.read(j, LogAck.class).seq()).orElse(0L);
    }

    private List<String> fileLines() throws IOException {
        return Files.readAllLines(dir.resolve("cluster.log"));
    }

    private static List<String> messages(LogTail tail) {
        return tail.lines().stream().map(NodeLogLine::message).toList();
    }

    @Test
    void keepsEveryNodesLinesInTheFileAndAcknowledgesThem() throws IOException {
        ClusterLogCollector c = collector();
        send(batch("node-1", "b1", true, 1, 2));
        send(batch("node-2", "b2", true, 1, 3));

        List<String> file = fileLines();
        assertEquals(5, file.size());
        assertTrue(file.get(2).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} node-2 INFO io\\.strato\\.test\\.Thing: node-2 line 1"), file.get(2));
        assertEquals(2, ackOf("node-1"));
        assertEquals(3, ackOf("node-2"));
        assertEquals(List.of("node-2 line 1", "node-2 line 2", "node-2 line 3"),
                messages(c.tail(new LogQuery("q", "node-2", "INFO", 50, 0))));
        assertEquals(List.of("node-2 line 2", "node-2 line 3"), messages(c.tail(new LogQuery("q", "id-node-2", "INFO", 2, 0))));
    }

    @Test
    void linesSentAgainAreNotKeptTwiceNotEvenAfterTheCollectorRestarts() throws IOException {
        ClusterLogCollector c = collector();
        send(batch("node-2", "b2", true, 1, 3));
        send(batch("node-2", "b2", true, 1, 3)); // the acknowledgement was lost: sent again
        send(batch("node-2", "b2", false, 2, 5)); // overlapping
        assertEquals(5, fileLines().size());
        assertEquals(5, ackOf("node-2"));
        c.deactivate();

        // the primary restarts (memory gone, file and acknowledgements kept); the node sends what it still holds
        shared.map(ClusterLogChannels.ACKS).remove("id-node-2");
        ClusterLogCollector again = collector();
        send(batch("node-2", "b2", true, 4, 7));
        assertEquals(List.of("node-2 line 1", "node-2 line 2", "node-2 line 3", "node-2 line 4", "node-2 line 5",
                "node-2 line 6", "node-2 line 7"), fileLines().stream().map(l -> l.substring(l.indexOf(": ") + 2)).toList());
        assertEquals(7, ackOf("node-2"));
        assertEquals(List.of("node-2 line 4", "node-2 line 5", "node-2 line 6", "node-2 line 7"),
                messages(again.tail(new LogQuery("q", null, "INFO", 4, 0))));
    }

    @Test
    void aRestartedCollectorTailsWhatTheFileHolds() {
        ClusterLogCollector c = collector();
        send(batch("node-1", "b1", true, 1, 2));
        send(new LogBatch("id-node-2", "b2", true, List.of(new NodeLogLine("id-node-2", "node-2", 1, 1_700_000_000_000L, "ERROR",
                "io.strato.role.dea.DeaRole", "instance failed\nwhile starting", List.of("java.io.IOException: no space", "\tat a.B.c(B.java:1)")))));
        List<String> before = c.tail(new LogQuery("q", null, "INFO", 50, 0)).lines().stream().map(l -> l.format(java.time.ZoneId.systemDefault())).toList();
        c.deactivate();

        ClusterLogCollector again = collector();
        List<String> after = again.tail(new LogQuery("q", null, "INFO", 50, 0)).lines().stream().map(l -> l.format(java.time.ZoneId.systemDefault())).toList();
        assertEquals(before, after, "the same lines, printed the same");
        assertEquals(1, again.tail(new LogQuery("q", "node-2", "ERROR", 50, 0)).lines().size());
    }

    @Test
    void aGapFromALostBatchWaitsButAGapFromDroppedLinesIsTaken() throws IOException {
        collector();
        send(batch("node-2", "b2", true, 1, 3));
        send(batch("node-2", "b2", false, 7, 9)); // 4..6 were lost on the way
        assertEquals(3, fileLines().size());
        assertEquals(3, ackOf("node-2"), "the node sends again from 3");

        // the node dropped 4..9 (its buffer was full): its oldest line stands for them
        send(new LogBatch("id-node-2", "b2", true, List.of(
                line("node-2", 10, "WARN", "6 log lines of this node were dropped before the primary had them"),
                line("node-2", 11, "INFO", "node-2 line 11"))));
        assertEquals(5, fileLines().size());
        assertTrue(fileLines().get(3).contains("node-2 WARN io.strato.test.Thing: 6 log lines of this node were dropped"));
        assertEquals(11, ackOf("node-2"));
    }

    @Test
    void aNodeThatStartedAgainIsNumberedFromOneAgain() throws IOException {
        collector();
        send(batch("node-2", "b2", true, 1, 3));
        send(batch("node-2", "b2-next", true, 1, 2));
        assertEquals(5, fileLines().size());
        assertEquals(new LogAck("b2-next", 2), Json.read(shared.map(ClusterLogChannels.ACKS).get("id-node-2").orElseThrow(), LogAck.class));
    }

    @Test
    void tailsFilterByLevelAndFollowFromACursor() {
        ClusterLogCollector c = collector();
        send(new LogBatch("id-node-2", "b", true, List.of(line("node-2", 1, "INFO", "fine"), line("node-2", 2, "WARN", "careful"),
                line("node-2", 3, "ERROR", "broken"))));
        assertEquals(List.of("careful", "broken"), messages(c.tail(new LogQuery("q", null, "warn", 50, 0))));
        LogTail first = c.tail(new LogQuery("q", null, "INFO", 50, 0));
        send(batch("node-1", "b1", true, 1, 1));
        LogTail next = c.tail(new LogQuery("q", null, "INFO", 50, first.cursor()));
        assertEquals(List.of("node-1 line 1"), messages(next));
        assertEquals(first.collector(), next.collector());
        assertEquals(List.of(), messages(c.tail(new LogQuery("q", null, "INFO", 50, next.cursor()))));
    }

    @Test
    void memoryAndFilesAreBounded() throws IOException {
        ClusterLogCollector c = new ClusterLogCollector(shared, dir, 2048, 2, 5);
        for (int i = 0; i < 40; i++) {
            send(batch("node-2", "b", i == 0, i * 5L + 1, i * 5L + 5));
        }
        assertEquals(5, c.tail(new LogQuery("q", null, "INFO", 10_000, 0)).lines().size());
        assertEquals("node-2 line 200", messages(c.tail(new LogQuery("q", null, "INFO", 1, 0))).get(0));
        List<String> names = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("cluster.log")).sorted().forEach(names::add);
        }
        assertEquals(List.of("cluster.log", "cluster.log.1", "cluster.log.2"), names);
        for (String n : names) {
            assertTrue(Files.size(dir.resolve(n)) <= 2048, n + " is " + Files.size(dir.resolve(n)) + " bytes");
        }
        assertTrue(fileLines().get(fileLines().size() - 1).endsWith("node-2 line 200"));
    }

    @Test
    void otherNodesAskOverTheCluster() throws Exception {
        collector();
        send(batch("node-2", "b", true, 1, 3));
        CompletableFuture<LogTail> answer = new CompletableFuture<>();
        shared.topic(ClusterLogChannels.TAILS).subscribe(m -> {
            LogTail t = Json.read(m, LogTail.class);
            if (t.queryId().equals("from-node-2")) {
                answer.complete(t);
            }
        });
        shared.topic(ClusterLogChannels.QUERIES).publish(Json.write(new LogQuery("from-node-2", "node-2", "INFO", 2, 0)));
        assertEquals(List.of("node-2 line 2", "node-2 line 3"), messages(answer.get(5, TimeUnit.SECONDS)));
    }

    @Test
    void unreadableMessagesAreIgnored() throws IOException {
        ClusterLogCollector c = collector();
        send(batch("node-2", "b", true, 1, 1));
        shared.topic(ClusterLogChannels.BATCHES).publish("{not json");
        shared.topic(ClusterLogChannels.QUERIES).publish("[]");
        assertEquals(1, fileLines().size());
        assertFalse(c.tail(new LogQuery("q", null, "INFO", 5, 0)).lines().isEmpty());
    }
}
