package io.strato.api.log;

import java.util.List;
import java.util.Locale;

/** The log levels of the cluster's log, most severe first, and their order. */
public final class LogLevels {

    public static final List<String> ALL = List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");

    private LogLevels() {
    }

    /**
     * The level named (any case; WARNING and FATAL are understood).
     *
     * @throws IllegalArgumentException naming the valid levels, for anything else
     */
    public static String normalize(String level) {
        String l = level == null ? "INFO" : level.trim().toUpperCase(Locale.ROOT);
        l = switch (l) {
            case "WARNING" -> "WARN";
            case "FATAL" -> "ERROR";
            default -> l;
        };
        if (!ALL.contains(l)) {
            throw new IllegalArgumentException("unknown log level: " + level + "; valid levels: " + String.join(", ", ALL));
        }
        return l;
    }

    /** Whether {@code level} is {@code atLeast} or more severe. */
    public static boolean atLeast(String level, String atLeast) {
        return ALL.indexOf(normalize(level)) <= ALL.indexOf(normalize(atLeast));
    }
}
