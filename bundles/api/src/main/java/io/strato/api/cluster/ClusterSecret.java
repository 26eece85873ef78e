package io.strato.api.cluster;

/** The secret a node must present to join this cluster ({@code kato:node-attach --secret}). */
public interface ClusterSecret {

    /** The secret this node joins with. */
    String value();
}
