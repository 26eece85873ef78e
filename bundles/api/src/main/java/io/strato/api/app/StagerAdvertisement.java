package io.strato.api.app;

import java.util.Objects;

/** A stager ready to take staging tasks; {@code activeTasks} lets the controller pick the least busy. */
public record StagerAdvertisement(String stagerId, String nodeName, int activeTasks) {
    public StagerAdvertisement {
        Objects.requireNonNull(stagerId, "stagerId");
        Objects.requireNonNull(nodeName, "nodeName");
    }
}
