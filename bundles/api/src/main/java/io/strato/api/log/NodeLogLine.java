package io.strato.api.log;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;

/**
 * One log line of one node, as the cluster's log keeps it.
 *
 * @param nodeId    the node's stable id
 * @param nodeName  its display name
 * @param seq       the line's number in its node's current boot, from 1; the primary acknowledges by it
 * @param timestamp epoch millis
 * @param level     ERROR, WARN, INFO, DEBUG or TRACE
 * @param logger    the logger's name
 * @param message   the rendered message
 * @param trace     the first lines of the exception's stack trace, if one was logged
 */
public record NodeLogLine(String nodeId, String nodeName, long seq, long timestamp, String level, String logger,
                          String message, List<String> trace) {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    public NodeLogLine {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(nodeName, "nodeName");
        level = LogLevels.normalize(level);
        logger = logger == null ? "" : logger;
        message = message == null ? "" : message;
        trace = trace == null ? List.of() : List.copyOf(trace);
    }

    /**
     * "time node level logger: message", then the message's further lines and the trace lines indented by four
     * spaces; as {@code kato:log-tail} prints it and {@code cluster.log} keeps it.
     */
    public String format(ZoneId zone) {
        StringBuilder out = new StringBuilder()
                .append(TIME.format(Instant.ofEpochMilli(timestamp).atZone(zone))).append(' ')
                .append(nodeName).append(' ').append(level).append(' ').append(logger).append(": ")
                .append(message.replace("\r\n", "\n").replace("\n", "\n    ")); // one line per line; continuations indented
        for (String t : trace) {
            out.append("\n    ").append(t);
        }
        return out.toString();
    }

    /** Whether the line is of this node, named by id or name. */
    public boolean isOf(String node) {
        return node.equals(nodeId) || node.equals(nodeName);
    }
}
