package io.strato.api.log;

import io.strato.api.json.Json;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeLogLineTest {

    @Test
    void printsTimeNodeLevelLoggerAndMessageWithFurtherLinesIndented() {
        NodeLogLine line = new NodeLogLine("id-2", "node-2", 7, 1_765_065_600_123L, "warning", "com.hazelcast.Instance",
                "Hazelcast is starting\nArguments to be used:", List.of("java.io.IOException: refused", "\tat a.B.c(B.java:1)"));
        assertEquals("2025-12-07 00:00:00.123 node-2 WARN com.hazelcast.Instance: Hazelcast is starting\n"
                + "    Arguments to be used:\n    java.io.IOException: refused\n    \tat a.B.c(B.java:1)", line.format(ZoneOffset.UTC));
        assertEquals(line, Json.read(Json.write(line), NodeLogLine.class), "travels between nodes unchanged");
    }

    @Test
    void levelsAreOrderedAndAnUnknownOneIsAClearError() {
        assertTrue(LogLevels.atLeast("ERROR", "WARN"));
        assertTrue(LogLevels.atLeast("WARN", "warn"));
        assertFalse(LogLevels.atLeast("INFO", "WARN"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogLevels.normalize("LOUD"));
        assertEquals("unknown log level: LOUD; valid levels: ERROR, WARN, INFO, DEBUG, TRACE", e.getMessage());
    }

    @Test
    void aQueryMatchesANodeByNameOrIdAndRefusesTooManyLines() {
        LogQuery q = new LogQuery("q", "node-2", "INFO", 10, 0);
        assertTrue(q.matches(new NodeLogLine("id-2", "node-2", 1, 0, "INFO", "x", "m", List.of())));
        assertTrue(new LogQuery("q", "id-2", "INFO", 10, 0).matches(new NodeLogLine("id-2", "node-2", 1, 0, "INFO", "x", "m", List.of())));
        assertFalse(q.matches(new NodeLogLine("id-1", "node-1", 1, 0, "ERROR", "x", "m", List.of())));
        assertFalse(q.matches(new NodeLogLine("id-2", "node-2", 1, 0, "DEBUG", "x", "m", List.of())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LogQuery("q", null, "INFO", 0, 0));
        assertEquals("the number of lines must be between 1 and 10000, not 0", e.getMessage());
    }
}
