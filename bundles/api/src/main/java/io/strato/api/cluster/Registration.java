package io.strato.api.cluster;

/** Handle to undo a subscription or listener; closing twice is harmless. */
@FunctionalInterface
public interface Registration extends AutoCloseable {
    @Override
    void close();
}
