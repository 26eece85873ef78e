package io.strato.api.log;

import java.util.Objects;

/**
 * The primary's acknowledgement: it keeps every line of {@code boot} up to {@code seq}; the node may let them go.
 */
public record LogAck(String boot, long seq) {
    public LogAck {
        Objects.requireNonNull(boot, "boot");
    }
}
