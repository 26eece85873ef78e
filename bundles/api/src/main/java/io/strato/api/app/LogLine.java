package io.strato.api.app;

import java.util.Objects;

/**
 * One line an app wrote, or one event about it.
 *
 * @param appGuid   the app
 * @param timestamp epoch millis
 * @param source    "App", "STG" (staging), "DEA", "RTR", "API" — as Cloud Foundry names them
 * @param index     instance index for App lines, else -1
 * @param stream    "stdout" or "stderr"
 * @param line      the text, without the line end
 */
public record LogLine(String appGuid, long timestamp, String source, int index, String stream, String line) {
    public LogLine {
        Objects.requireNonNull(appGuid, "appGuid");
        Objects.requireNonNull(source, "source");
        stream = stream == null ? "stdout" : stream;
        line = line == null ? "" : line;
    }
}
