package io.strato.router;

import io.strato.api.app.Channels;
import io.strato.api.cluster.SharedState;
import io.strato.api.role.Role;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The router role: while it is active, this node proxies HTTP for every route in the cluster.
 * Immediate, so it listens as soon as the role is installed rather than when the Role service is first used.
 */
@Component(service = Role.class, configurationPid = "io.strato.router", immediate = true)
public final class RouterRole implements Role {

    /** Configuration of {@code etc/io.strato.router.cfg}. */
    public @interface Config {
        int port() default RouterConfig.DEFAULT_PORT;

        String bindAddress() default RouterConfig.DEFAULT_BIND_ADDRESS;

        int backendConnectTimeoutMs() default RouterConfig.DEFAULT_BACKEND_CONNECT_TIMEOUT_MS;

        int idleTimeoutSeconds() default RouterConfig.DEFAULT_IDLE_TIMEOUT_SECONDS;
    }

    private final RouterServer server;

    @Activate
    public RouterRole(@Reference SharedState sharedState, Config config) {
        RouterConfig routerConfig = new RouterConfig(config.port(), config.bindAddress(),
                config.backendConnectTimeoutMs(), config.idleTimeoutSeconds());
        this.server = new RouterServer(routerConfig, sharedState.map(Channels.ROUTES));
        server.start();
    }

    @Deactivate
    void deactivate() {
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
