package io.strato.api.log;

import java.util.List;
import java.util.Objects;

/**
 * The primary's answer to a {@link LogQuery}.
 *
 * @param queryId   the query answered
 * @param collector the collector's run (changes when the primary restarts or moves; cursors start again)
 * @param cursor    ask with this as {@link LogQuery#after()} for only newer lines
 * @param lines     the matching lines, oldest first
 */
public record LogTail(String queryId, String collector, long cursor, List<NodeLogLine> lines) {
    public LogTail {
        Objects.requireNonNull(queryId, "queryId");
        Objects.requireNonNull(collector, "collector");
        lines = lines == null ? List.of() : List.copyOf(lines);
    }
}
