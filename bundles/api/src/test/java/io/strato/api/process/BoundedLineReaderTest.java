package io.strato.api.process;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BoundedLineReaderTest {

    private static final int MAX = BoundedLineReader.MAX_CHARS;

    @Test
    void readsLinesAsReadLineDoes() throws IOException {
        assertEquals(List.of("a", "", "b", "c", "d"), lines("a\n\nb\r\nc\rd"));
        assertEquals(List.of(), lines(""));
    }

    @Test
    void cutsALongLineIntoPiecesOfTheLimit() throws IOException {
        assertEquals(List.of("x".repeat(MAX), "x".repeat(MAX), "x".repeat(5), "next"),
                lines("x".repeat(2 * MAX + 5) + "\nnext\n"));
        assertEquals(List.of("x".repeat(MAX), "y"), lines("x".repeat(MAX) + "\ny"), "a line of the limit is whole");
    }

    @Test
    void doesNotSplitASurrogatePair() throws IOException {
        String emoji = "\uD83D\uDE00";
        List<String> lines = lines("x".repeat(MAX - 1) + emoji + "z");
        assertEquals(List.of("x".repeat(MAX - 1), emoji + "z"), lines);
    }

    private static List<String> lines(String text) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BoundedLineReader in = new BoundedLineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
            }
        }
        return lines;
    }
}
