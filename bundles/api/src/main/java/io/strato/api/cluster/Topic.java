package io.strato.api.cluster;

import java.util.function.Consumer;

/** A publish/subscribe channel across the cluster (the NATS of Cloud Foundry). */
public interface Topic {

    /** Sends a message to every subscriber on every node, this one included. */
    void publish(String message);

    Registration subscribe(Consumer<String> listener);
}
