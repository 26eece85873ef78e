/**
 * The cluster as roles see it: the nodes and their roles ({@link io.strato.api.cluster.ClusterView}),
 * state shared by all nodes with optional time-to-live ({@link io.strato.api.cluster.SharedState}), and
 * the single-primary claim ({@link io.strato.api.cluster.PrimaryElection}). Core implements these on Karaf
 * Cellar; roles never see Cellar or Hazelcast types. Shared values are strings (JSON by convention), so
 * no bundle's classes have to travel between nodes.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.strato.api.cluster;
