package io.strato.services.rabbit;

import io.strato.api.service.ServiceHealth;
import java.io.IOException;

/**
 * Where the plugin's virtual hosts and users live: its own Qpid Broker-J ({@link QpidBroker}) or an external
 * RabbitMQ reached through its management HTTP API ({@link RabbitManagementApi}). Every operation either does
 * all it says or leaves nothing behind; the reasons in the exceptions are meant for the user.
 */
interface RabbitBackend {

    /** What apps are told to connect to. */
    String host();

    int port();

    /** For the catalog: what kind of broker this is. */
    String description();

    /** Creates the virtual host; fails, saying "already exists", when it exists. */
    void createVirtualHost(String vhost) throws IOException;

    /** Creates the user (or gives an existing one a new password), allowed on this virtual host only; fails when the virtual host does not exist. */
    void createUser(String user, String password, String vhost) throws IOException;

    /** Deletes the user and closes its connections; a user that is already gone is no error. */
    void deleteUser(String user) throws IOException;

    /** Deletes the virtual host with its queues and messages and every user of it; returns whether it existed. */
    boolean deleteVirtualHost(String vhost) throws IOException;

    ServiceHealth health();

    /** Stops what the backend runs, if anything. */
    void close();
}
