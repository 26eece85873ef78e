package io.strato.api.app;

/** Life of an app instance, as Cloud Foundry reports it. */
public enum InstanceState {
    STARTING, RUNNING, CRASHED, STOPPED
}
