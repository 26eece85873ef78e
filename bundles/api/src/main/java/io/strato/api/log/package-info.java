/**
 * The cluster's log: every node's base role forwards its log lines ({@link io.strato.api.log.NodeLogLine}) in
 * {@link io.strato.api.log.LogBatch}es to the primary, which acknowledges them ({@link io.strato.api.log.LogAck}),
 * keeps them in {@code data/log/cluster.log} and answers tails ({@link io.strato.api.log.ClusterLog}) locally or,
 * for other nodes, over {@link io.strato.api.log.ClusterLogChannels#QUERIES}.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.strato.api.log;
