package io.strato.store.shell;

/** What the store's commands say while the store is not running on this node. */
final class StoreCommands {

    /** The store waits for the node's cluster connection, and is gone when its database failed to open. */
    static final String UNAVAILABLE = "the store is not running on this node right now: it waits for the node's cluster "
            + "connection (Cellar is starting or restarting), or its database failed to open (the node's log says why)";

    private StoreCommands() {
    }
}
