package io.strato.api.cluster;

/**
 * Cluster-shared maps and topics by name. Names are namespaced by convention:
 * {@code <role>.<what>}, e.g. {@code router.routes}, {@code dea.advertisements}.
 */
public interface SharedState {

    SharedMap map(String name);

    Topic topic(String name);
}
