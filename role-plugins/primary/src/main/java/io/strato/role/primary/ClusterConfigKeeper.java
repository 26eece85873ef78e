package io.strato.role.primary;

import io.strato.api.role.RoleException;
import io.strato.api.cluster.ClusterConfig;
import io.strato.api.store.StoreException;

/** Reads and changes the cluster configuration the primary keeps. */
public interface ClusterConfigKeeper {

    ClusterConfig current() throws StoreException;

    /**
     * Changes name and/or app domain (null keeps the current value), stores and publishes them.
     *
     * @throws RoleException when this node may not act as the primary now (it stepped down, or is cut off)
     */
    ClusterConfig update(String name, String appDomain) throws StoreException, RoleException;
}
