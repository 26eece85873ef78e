package io.strato.api.app;

import java.time.Duration;

/** Names of the shared maps and topics the app roles use, and how long owned entries live. */
public final class Channels {

    /** Map: {@code <host>|<instanceId>} → {@link RouteEntry}; written by DEAs with {@link #OWNED_TTL}. */
    public static final String ROUTES = "router.routes";
    /** Map: DEA id → {@link DeaAdvertisement}; written by each DEA with {@link #OWNED_TTL}. */
    public static final String DEA_ADVERTISEMENTS = "dea.advertisements";
    /** Map: instance id → {@link InstanceStatus}; written by the DEA running it with {@link #OWNED_TTL}. */
    public static final String INSTANCES = "dea.instances";
    /** Map: instance id → {@link InstanceUsage} of a running instance; written by its DEA with {@link #OWNED_TTL}. */
    public static final String INSTANCE_USAGE = "dea.usage";
    /** Topic: {@link InstanceOrder}s, each addressed to one DEA. */
    public static final String DEA_ORDERS = "dea.orders";
    /** Map: stager id → {@link StagerAdvertisement}; written by each stager with {@link #OWNED_TTL}. */
    public static final String STAGER_ADVERTISEMENTS = "stager.advertisements";
    /** Topic: {@link StagingRequest}s, each addressed to one stager. */
    public static final String STAGING_REQUESTS = "stager.requests";
    /** Topic: {@link StagingEvent}s (log lines and the outcome) of every staging task. */
    public static final String STAGING_EVENTS = "stager.events";
    /** Topic: {@link LogLine}s of running apps. */
    public static final String APP_LOGS = "app.logs";
    /** Map: node id → {@link RouterEndpoint} of the router on that node; written with {@link #OWNED_TTL}. */
    public static final String ROUTERS = "router.endpoints";
    /**
     * Map: node id → base URL of the controller on that node, whose {@code /internal/v2/} serves the blob store
     * (every controller serves every blob: they share the database that holds them); written by each controller
     * with {@link #OWNED_TTL}. Stagers and DEAs resolve blob paths against it with {@link BlobLocations}.
     */
    public static final String BLOBSTORE = "controller.blobstore";
    /**
     * Map: {@code <nodeId>|<label>} → the JSON of one service plugin a node's broker offers ({@code nodeId,
     * brokerUrl, label, version, description, tags, plans}); written by each broker with {@link #OWNED_TTL}.
     */
    public static final String BROKER_CATALOG = "broker.catalog";
    /**
     * Map: app guid → {@link DesiredApp} of every started, staged app; written by the controller (no time-to-live:
     * it outlives a controller restart), read by the health manager.
     */
    public static final String DESIRED_APPS = "controller.desired";
    /** Map: app guid → {@link AppHealth}; written by the acting health manager with {@link #OWNED_TTL}. */
    public static final String APP_HEALTH = "health.apps";
    /** Map: the {@link io.strato.api.cluster.Lease} of the acting health manager (its holder is a node id). */
    public static final String HEALTH_MANAGER_LEASE = "health-manager.lease";
    /** Topic: {@link AppEvent}s (crashes), recorded by the controller. */
    public static final String APP_EVENTS = "app.events";
    /** {@link InternalAuth} purpose of the calls to a node's service broker. */
    public static final String BROKER_AUTH_PURPOSE = "broker";

    /** Life of an owned entry without a refresh; owners refresh at a third of it. */
    public static final Duration OWNED_TTL = Duration.ofSeconds(10);

    private Channels() {
    }
}
