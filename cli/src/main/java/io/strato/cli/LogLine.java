package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** One line of app output as the controller's log endpoint returns it. */
public record LogLine(long timestamp, String source, int index, String stream, String line) {

    public static LogLine from(JsonNode node) {
        return new LogLine(node.path("timestamp").asLong(),
                node.path("source").asText("App"),
                node.path("index").asInt(),
                node.path("stream").asText("stdout"),
                node.path("line").asText(""));
    }

    /** {@code <ISO time> <source>[<index>] <stream>: <line>} */
    public String format() {
        return Instant.ofEpochMilli(timestamp) + " " + source + "[" + index + "] " + stream + ": " + line;
    }
}
