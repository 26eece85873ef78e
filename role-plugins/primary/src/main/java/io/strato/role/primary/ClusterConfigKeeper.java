package io.strato.role.primary;

import io.strato.api.cluster.ClusterConfig;
import io.strato.api.store.StoreException;

/** Reads and changes the cluster configuration the primary keeps. */
public interface ClusterConfigKeeper {

    ClusterConfig current() throws StoreException;

    /** Changes name and/or app domain (null keeps the current value), stores and publishes them. */
    ClusterConfig update(String name, String appDomain) throws StoreException;
}
