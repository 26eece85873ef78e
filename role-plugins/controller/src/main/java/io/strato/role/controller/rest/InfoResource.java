package io.strato.role.controller.rest;

import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import io.strato.api.app.RouterEndpoint;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.Registration;
import io.strato.api.cluster.SharedMap;
import io.strato.role.controller.ControllerSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;

/** {@code GET /v2/info}: what a client needs before it logs in. */
@Path("/v2/info")
@Produces(MediaType.APPLICATION_JSON)
public class InfoResource implements AutoCloseable {

    private final ControllerSettings settings;
    private final ClusterView cluster;
    private final SharedMap routers;
    private final Supplier<String> loggingUrl;

    public InfoResource(ControllerSettings settings, ClusterView cluster, SharedMap routers, Supplier<String> loggingUrl) {
        this.settings = settings;
        this.loggingUrl = loggingUrl;
        this.cluster = cluster;
        this.routers = routers;
        this.routerChanges = routers.listen((key, value) -> appPort.set(null));
    }

    @Override
    public void close() {
        routerChanges.close();
    }

    /**
     * The routers' port is read again after any change to the routers map, and at least this often in case a change
     * went unheard: reading every router's entry is a query over the whole cluster map, too much for every request.
     */
    static final long APP_PORT_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private record AppPort(Optional<Integer> port, long readAt) {
    }

    private final AtomicReference<AppPort> appPort = new AtomicReference<>();
    private final Registration routerChanges;

    /**
     * The port apps answer at when every live router listens on the same one and it is not 80, so that
     * clients print URLs that work ({@code http://<app>.<domain>:<port>}).
     */
    Optional<Integer> appPort() {
        long now = System.nanoTime();
        AppPort known = appPort.get();
        if (known != null && now - known.readAt() < APP_PORT_MAX_AGE_NANOS) {
            return known.port();
        }
        Set<Integer> ports = routers.values(RouterEndpoint.class).stream().map(RouterEndpoint::port)
                .collect(Collectors.toSet());
        Optional<Integer> port = ports.size() == 1 && !ports.contains(80) ? ports.stream().findFirst() : Optional.empty();
        appPort.compareAndSet(known, new AppPort(port, now));
        return port;
    }

    @GET
    @Allow(Op.PUBLIC)
    public Map<String, Object> info(@Context SecurityContext security) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", "strato");
        info.put("build", settings.version());
        info.put("support", "");
        info.put("version", 2);
        info.put("description", "Strato private PaaS");
        info.put("authorization_endpoint", settings.externalUrl());
        info.put("token_endpoint", settings.externalUrl());
        info.put("doppler_logging_endpoint", loggingUrl.get());
        info.put("api_version", "2.0.0");
        info.put("app_domain", cluster.config().appDomain());
        appPort().ifPresent(port -> info.put("app_port", port));
        if (security.getUserPrincipal() != null) {
            info.put("user", security.getUserPrincipal().getName());
        }
        return info;
    }
}
