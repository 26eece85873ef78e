package io.strato.role.base.log;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForwardBufferTest {

    private static void append(ForwardBuffer b, int n) {
        for (int i = 0; i < n; i++) {
            b.append(1000 + i, "INFO", "io.strato.test", "line " + (b.lastSeq() + 1), List.of());
        }
    }

    @Test
    void aFullBufferDropsTheOldestAndOneLineSaysHowManyWent() {
        ForwardBuffer b = new ForwardBuffer(10);
        append(b, 25);

        assertEquals(10, b.size(), "never more lines than the buffer holds");
        List<ForwardBuffer.Entry> held = b.after(0, 100).entries();
        ForwardBuffer.Entry notice = held.get(0);
        assertTrue(notice.standsForDropped());
        assertEquals("WARN", notice.level());
        assertEquals(16, notice.dropped());
        assertTrue(notice.message().startsWith("16 log lines of this node were dropped"), notice.message());
        assertEquals(16, b.droppedTotal());
        // the newest lines are all there, in order, and every line is either held or counted
        assertEquals(List.of("line 17", "line 18", "line 19", "line 20", "line 21", "line 22", "line 23", "line 24", "line 25"),
                held.subList(1, held.size()).stream().map(ForwardBuffer.Entry::message).toList());
        assertEquals(25, notice.dropped() + held.size() - 1);
        assertEquals(25, b.lastSeq());
    }

    @Test
    void acknowledgedLinesGoAndTheRestStaysInOrder() {
        ForwardBuffer b = new ForwardBuffer(100);
        append(b, 7);
        b.acknowledge(4);

        ForwardBuffer.Slice rest = b.after(0, 100);
        assertEquals(List.of(5L, 6L, 7L), rest.entries().stream().map(ForwardBuffer.Entry::seq).toList());
        assertTrue(rest.startsAtOldest());
        ForwardBuffer.Slice later = b.after(5, 100);
        assertEquals(List.of(6L, 7L), later.entries().stream().map(ForwardBuffer.Entry::seq).toList());
        assertFalse(later.startsAtOldest(), "line 5 is still held before them");
        assertEquals(List.of(5L, 6L), b.after(0, 2).entries().stream().map(ForwardBuffer.Entry::seq).toList());
    }

    @Test
    void aBufferTooSmallIsRefusedWithAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ForwardBuffer(3));
        assertEquals("the log forwarding buffer must hold at least 10 lines, not 3", e.getMessage());
    }
}
