package io.strato.api.log;

import java.time.Duration;

/** Names of the shared topics and maps of the cluster's log, and the logger prefix it never forwards. */
public final class ClusterLogChannels {

    /** Topic: {@link LogBatch}es from every node to the primary. */
    public static final String BATCHES = "log.batches";
    /** Map: node id → {@link LogAck}, written by the primary after a batch is kept; lives {@link #ACK_TTL}. */
    public static final String ACKS = "log.acks";
    /** Topic: {@link LogQuery}s from nodes that are not the primary. */
    public static final String QUERIES = "log.queries";
    /** Topic: {@link LogTail}s, the primary's answers; each names the query it answers. */
    public static final String TAILS = "log.tails";
    /** Life of an acknowledgement without a new batch of its node. */
    public static final Duration ACK_TTL = Duration.ofHours(1);

    /**
     * Loggers under this prefix write to the node's own {@code karaf.log} only, never to the cluster's log: the
     * forwarder and the primary's collector report their own problems with them, so that a problem with
     * forwarding cannot feed itself.
     */
    public static final String UNFORWARDED_LOGGER_PREFIX = "io.strato.clusterlog.";

    private ClusterLogChannels() {
    }
}
