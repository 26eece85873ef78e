package io.strato.role.router;

import io.strato.api.app.Channels;
import io.strato.api.app.RouterEndpoint;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.SharedState;
import io.strato.api.json.Json;
import io.strato.api.role.Role;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The router role: while it is active, this node proxies HTTP for every route in the cluster.
 * Immediate, so it listens as soon as the role is installed rather than when the Role service is first used.
 */
@Component(service = Role.class, configurationPid = "io.strato.router", immediate = true)
@Designate(ocd = RouterRole.Config.class)
public final class RouterRole implements Role {

    private static final Logger LOG = LoggerFactory.getLogger(RouterRole.class);

    /** Configuration of {@code etc/io.strato.router.cfg}. */
    @ObjectClassDefinition(name = "Strato router", description = "The HTTP reverse proxy from app host names to live instances")
    public @interface Config {
        @AttributeDefinition(description = "The HTTP port the router takes app traffic on")
        int port() default RouterConfig.DEFAULT_PORT;
        @AttributeDefinition(description = "Address the router listens on")
        String bindAddress() default RouterConfig.DEFAULT_BIND_ADDRESS;
        @AttributeDefinition(description = "Milliseconds to connect to an app instance before trying another")
        int backendConnectTimeoutMs() default RouterConfig.DEFAULT_BACKEND_CONNECT_TIMEOUT_MS;
        @AttributeDefinition(description = "Seconds a client or instance connection may stay idle before the router closes it")
        int idleTimeoutSeconds() default RouterConfig.DEFAULT_IDLE_TIMEOUT_SECONDS;
        @AttributeDefinition(description = "Threads that serve all connections; 0 lets the router choose")
        int threads() default RouterConfig.AUTOMATIC_THREADS;
        @AttributeDefinition(description = "Idle keep-alive connections the router keeps open to each app instance")
        int maxIdleConnectionsPerInstance() default RouterConfig.DEFAULT_MAX_IDLE_CONNECTIONS_PER_INSTANCE;
        @AttributeDefinition(description = "Seconds a client may take to send a request's line and headers")
        int headTimeoutSeconds() default RouterConfig.DEFAULT_HEAD_TIMEOUT_SECONDS;
    }

    private final RouterServer server;
    private final SharedMap endpoints;
    private final String nodeId;
    private final ScheduledExecutorService advertising = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strato-router-advertisement");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public RouterRole(@Reference SharedState sharedState, @Reference ClusterView cluster, Config config) {
        RouterConfig routerConfig = new RouterConfig(config.port(), config.bindAddress(),
                config.backendConnectTimeoutMs(), config.idleTimeoutSeconds(), config.threads(),
                config.maxIdleConnectionsPerInstance(), config.headTimeoutSeconds());
        this.server = new RouterServer(routerConfig, sharedState.map(Channels.ROUTES));
        server.start();
        // the controller tells clients which port apps answer at
        this.endpoints = sharedState.map(Channels.ROUTERS);
        this.nodeId = cluster.localNode().id();
        String advertisement = Json.write(new RouterEndpoint(config.bindAddress(), config.port()));
        long period = Channels.OWNED_TTL.toMillis() / 3;
        advertising.scheduleAtFixedRate(() -> {
            try {
                endpoints.put(nodeId, advertisement, Channels.OWNED_TTL);
            } catch (RuntimeException e) { // a failed run would end the schedule: this router would vanish for good
                LOG.warn("Could not advertise this router to the cluster: {}", e.getMessage());
            }
        }, 0, period, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        advertising.shutdownNow();
        endpoints.remove(nodeId);
        server.close();
    }

    @Override
    public String name() {
        return "router";
    }

    @Override
    public String description() {
        return "HTTP reverse proxy: sends each app's host name to its live instances";
    }
}
