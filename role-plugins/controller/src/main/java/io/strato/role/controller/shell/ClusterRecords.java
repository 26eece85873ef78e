package io.strato.role.controller.shell;

/** What the user and organization commands say while the records they work on cannot be reached. */
final class ClusterRecords {

    /** Users, organizations and spaces are kept in the cluster database; its services are gone while it is not open. */
    static final String UNAVAILABLE = "this node has not opened the cluster database, where users and organizations are kept "
            + "(the store is starting, or waiting for its cluster); try again in a few seconds, kato:store-status says more";

    private ClusterRecords() {
    }
}
