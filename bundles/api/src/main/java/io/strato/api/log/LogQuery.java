package io.strato.api.log;

import java.util.Objects;

/**
 * What {@code kato:log-tail} asks for.
 *
 * @param id    names the query; its {@link LogTail} carries it back
 * @param node  only this node's lines (its name or id), or null for every node
 * @param level only lines of this level or more severe
 * @param lines at most this many of the newest matching lines
 * @param after only lines kept after this cursor ({@link LogTail#cursor()}) of the same collector; 0 for any
 */
public record LogQuery(String id, String node, String level, int lines, long after) {

    /** The most lines one query returns (the primary keeps no more in memory by default). */
    public static final int MAX_LINES = 10_000;

    public LogQuery {
        Objects.requireNonNull(id, "id");
        level = LogLevels.normalize(level);
        if (lines < 1 || lines > MAX_LINES) {
            throw new IllegalArgumentException("the number of lines must be between 1 and " + MAX_LINES + ", not " + lines);
        }
        node = node == null || node.isBlank() ? null : node.trim();
    }

    public boolean matches(NodeLogLine line) {
        return (node == null || line.isOf(node)) && LogLevels.atLeast(line.level(), level);
    }
}
