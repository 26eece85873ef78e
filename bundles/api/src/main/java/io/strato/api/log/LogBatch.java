package io.strato.api.log;

import java.util.List;
import java.util.Objects;

/**
 * Consecutive lines of one node for the primary.
 *
 * @param nodeId         the node
 * @param boot           the node's boot (sequence numbers start at 1 again with each boot)
 * @param startsAtOldest whether the first line is the oldest the node still holds: every earlier line of this
 *                       boot was acknowledged or dropped, so a gap before it is no lost batch
 * @param lines          the lines, in sequence order
 */
public record LogBatch(String nodeId, String boot, boolean startsAtOldest, List<NodeLogLine> lines) {
    public LogBatch {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(boot, "boot");
        lines = lines == null ? List.of() : List.copyOf(lines);
    }

    public long firstSeq() {
        return lines.isEmpty() ? 0 : lines.get(0).seq();
    }

    public long lastSeq() {
        return lines.isEmpty() ? 0 : lines.get(lines.size() - 1).seq();
    }
}
