package io.strato.api.service;

import java.util.Map;

/**
 * A data service. Register one as an OSGi service (a Declarative Services component); the node's
 * service broker offers it to the cluster. Every operation must either complete or leave nothing behind:
 * a failed provision creates no database, user or directory.
 */
public interface ServicePlugin {

    ServiceCatalogEntry catalog();

    /**
     * Creates a new, isolated instance: its own database / vhost / server with its own credentials.
     *
     * @param instanceId the id the controller gave it
     * @param plan       one of the catalog's plan names
     * @param parameters optional parameters from the user
     */
    ServiceInstance provision(String instanceId, String plan, Map<String, String> parameters) throws ServiceException;

    /**
     * Credentials for one app binding; each binding gets its own user where the server has users. Where it has
     * none, grant the binding's {@link ServiceBinding#appUid() app uid} access instead (a port rule, a directory
     * ACL), and nothing when the uid is {@link ServiceBinding#UNKNOWN_UID}.
     *
     * @param binding the binding's id, and the app it is for with the uid its instances run as
     */
    ServiceCredentials bind(ServiceInstance instance, ServiceBinding binding) throws ServiceException;

    /**
     * Revokes what {@link #bind} handed out for this binding: its user and that user's open connections, or the
     * app uid's access (unless another binding of the same instance still grants it to that uid).
     *
     * @param binding as it was bound; its app uid is {@link ServiceBinding#UNKNOWN_UID} for a binding made before
     *                bind requests carried one
     */
    void unbind(ServiceInstance instance, ServiceBinding binding) throws ServiceException;

    /** Drops the instance and its data for real. */
    void deprovision(ServiceInstance instance) throws ServiceException;

    ServiceHealth health();
}
