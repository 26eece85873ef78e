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

    /** Credentials for one app binding; each binding may get its own user. */
    ServiceCredentials bind(ServiceInstance instance, String bindingId) throws ServiceException;

    /** Revokes what {@link #bind} handed out for this binding. */
    void unbind(ServiceInstance instance, String bindingId) throws ServiceException;

    /** Drops the instance and its data for real. */
    void deprovision(ServiceInstance instance) throws ServiceException;

    ServiceHealth health();
}
