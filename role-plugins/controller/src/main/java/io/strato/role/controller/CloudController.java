package io.strato.role.controller;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.jaxrs.json.JacksonJsonProvider;
import io.strato.api.app.Channels;
import io.strato.api.app.PlatformHosts;
import io.strato.api.app.RouteEntry;
import io.strato.api.cluster.ClusterSecret;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.SharedState;
import io.strato.api.json.Json;
import io.strato.api.store.Database;
import io.strato.api.store.StoreException;
import io.strato.role.controller.apps.AppEventLog;
import io.strato.role.controller.apps.AppStore;
import io.strato.role.controller.apps.AppRuntime;
import io.strato.role.controller.apps.AppUids;
import io.strato.role.controller.apps.DomainStore;
import io.strato.role.controller.apps.LogBuffer;
import io.strato.role.controller.apps.RouteStore;
import io.strato.role.controller.apps.StagingDispatcher;
import io.strato.role.controller.blob.BlobDirectoryImport;
import io.strato.role.controller.blob.BlobStore;
import io.strato.role.controller.blob.ResourceCache;
import io.strato.role.controller.jobs.JobStore;
import io.strato.role.controller.logs.DopplerServer;
import io.strato.role.controller.rest.AppSummaryResource;
import io.strato.role.controller.rest.DomainResource;
import io.strato.role.controller.rest.Domains;
import io.strato.role.controller.rest.FeatureFlagResource;
import io.strato.role.controller.rest.JobResource;
import io.strato.role.controller.rest.LogStreamGate;
import io.strato.role.controller.rest.PrivateDomainResource;
import io.strato.role.controller.rest.ResourceMatchResource;
import io.strato.role.controller.rest.RecentLogsResource;
import io.strato.role.controller.rest.RootResource;
import io.strato.role.controller.rest.RouteAppResource;
import io.strato.role.controller.rest.SpaceServiceResource;
import io.strato.role.controller.rest.StackResource;
import io.strato.role.controller.rest.TokenKeyResource;
import io.strato.role.controller.rest.V3Resource;
import io.strato.role.controller.users.SigningKey;
import io.strato.role.controller.rest.AppBitsResource;
import io.strato.role.controller.rest.AppLogResource;
import io.strato.role.controller.rest.AppResource;
import io.strato.role.controller.rest.AppRouteResource;
import io.strato.role.controller.rest.AppServiceBindingResource;
import io.strato.role.controller.rest.AuthFilter;
import io.strato.role.controller.rest.BlobResource;
import io.strato.role.controller.rest.ClusterResource;
import io.strato.role.controller.rest.Errors;
import io.strato.role.controller.rest.EventResource;
import io.strato.role.controller.rest.InfoResource;
import io.strato.role.controller.rest.Lookup;
import io.strato.role.controller.rest.QuotaDefinitionResource;
import io.strato.role.controller.rest.RoleChanges;
import io.strato.role.controller.rest.SpaceQuotaDefinitionResource;
import io.strato.role.controller.rest.OrganizationResource;
import io.strato.role.controller.rest.RequestIdFilter;
import io.strato.role.controller.rest.RouteResource;
import io.strato.role.controller.rest.ScimUserResource;
import io.strato.role.controller.rest.ServiceBindingResource;
import io.strato.role.controller.rest.ServiceInstanceResource;
import io.strato.role.controller.rest.ServicePlanResource;
import io.strato.role.controller.rest.ServiceResource;
import io.strato.role.controller.rest.SharedDomainResource;
import io.strato.role.controller.rest.SpaceResource;
import io.strato.role.controller.rest.StagingLogResource;
import io.strato.role.controller.rest.ThreadClassLoaderResolver;
import io.strato.role.controller.rest.TokenResource;
import io.strato.role.controller.rest.UserResource;
import io.strato.role.controller.services.BrokerClient;
import io.strato.role.controller.services.ServiceCatalog;
import io.strato.role.controller.services.ServiceEnvironment;
import io.strato.role.controller.services.ServiceProvisioner;
import io.strato.role.controller.services.ServiceStore;
import io.strato.role.controller.tenancy.AuditLog;
import io.strato.role.controller.tenancy.OrgStore;
import io.strato.role.controller.tenancy.QuotaCheck;
import io.strato.role.controller.tenancy.QuotaStore;
import io.strato.role.controller.tenancy.RoleStore;
import io.strato.role.controller.tenancy.Tenancy;
import io.strato.role.controller.users.LoginThrottle;
import io.strato.role.controller.users.TokenService;
import io.strato.role.controller.users.UserAccounts;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.cxf.Bus;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxrs.JAXRSServerFactoryBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cloud Controller, assembled: stores, blob store, staging, placement and the REST API on CXF. The OSGi
 * component creates one; tests create one directly on a local HTTP port.
 */
public final class CloudController implements AutoCloseable {

    /**
     * How often the desired state of every app is published again, in case the shared copy was lost, and apps
     * without a uid are given one.
     */
    static final Duration PUBLISH_INTERVAL = Duration.ofSeconds(30);
    /** Owned entries are refreshed at a third of their life, as the channels' contract asks. */
    static final Duration HEARTBEAT_INTERVAL = Channels.OWNED_TTL.dividedBy(3);
    static final String CONTROLLER_APP_ID = "strato-controller";
    /** A CXF bus property, read when an endpoint is created. */
    private static final String SKIP_DEFAULT_JSON_PROVIDER = "skip.default.json.provider.registration";
    private static final Logger LOG = LoggerFactory.getLogger(CloudController.class);

    private final SharedState shared;
    private final ClusterView cluster;
    private final ControllerSettings settings;
    private final LogBuffer logs;
    private final StagingDispatcher staging;
    private final AppRuntime runtime;
    private final AppEventLog events;
    private final AppUids uids;
    private final ScheduledExecutorService scheduler;
    private final List<Object> resources;
    private final List<Object> providers;
    private final DopplerServer doppler;
    private final InfoResource info;
    /** The keys of this controller's own routes (api and console hosts) in {@link Channels#ROUTES}. */
    private final AtomicReference<Set<String>> platformRouteKeys = new AtomicReference<>(Set.of());
    private Server server;
    private Bus bus;
    private ThreadClassLoaderResolver classLoaderResolver;

    public CloudController(Database database, SharedState shared, ClusterView cluster, ClusterSecret secret,
                           UserAccounts users, ControllerSettings settings) throws StoreException {
        ControllerSchema.apply(database);
        this.shared = shared;
        this.cluster = cluster;
        this.settings = settings;
        Sql sql = new Sql(database.dataSource());
        AppStore apps = new AppStore(sql);
        this.uids = new AppUids(sql, settings.appUids());
        uids.assignMissing();
        RouteStore routes = new RouteStore(sql);
        Tenancy tenancy = new Tenancy(new OrgStore(sql), new RoleStore(sql));
        QuotaStore quotas = new QuotaStore(sql);
        QuotaCheck quotaCheck = new QuotaCheck(sql, quotas, tenancy.orgs());
        AuditLog audit = new AuditLog(sql);
        BlobStore blobs = new BlobStore(database, settings.blobDir());
        new BlobDirectoryImport(blobs).run(settings.blobDir());
        ResourceCache resourceCache = new ResourceCache(blobs);
        JobStore jobs = new JobStore(sql);
        ServiceStore services = new ServiceStore(sql);
        ServiceCatalog catalog = new ServiceCatalog(shared);
        ServiceEnvironment serviceEnvironment = new ServiceEnvironment(services);
        ServiceProvisioner provisioner = new ServiceProvisioner(services, catalog, new BrokerClient(secret.value()));
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "strato-controller");
            t.setDaemon(true);
            return t;
        });
        this.logs = new LogBuffer(shared);
        this.events = new AppEventLog(sql, shared);
        this.runtime = new AppRuntime(shared, apps, routes, serviceEnvironment);
        this.staging = new StagingDispatcher(shared, cluster.localNode().id(), apps, blobs, logs, runtime::publish);
        SigningKey signingKey = SigningKey.loadOrCreate(sql, secret.value());
        TokenService tokens = new TokenService(secret.value(), signingKey, settings.tokenTtl(), Clock.systemUTC(),
                settings.externalUrl() + "/oauth/token");
        LoginThrottle throttle = new LoginThrottle(Clock.systemUTC());
        AppRouteResource.Remapper remapper = new AppRouteResource.Remapper(runtime);
        Lookup lookup = new Lookup(tenancy, apps, routes, services);
        RoleChanges roleChanges = new RoleChanges(tenancy.roles(), users, audit);
        AuthFilter auth = new AuthFilter(tokens, users);
        this.doppler = new DopplerServer(logs, new LogStreamGate(auth, lookup), settings.dopplerPort());
        AppResource appResource = new AppResource(apps, uids, lookup, quotaCheck, audit, routes, blobs, logs, staging,
                runtime, settings, serviceEnvironment, provisioner, remapper);
        Domains domains = new Domains(new DomainStore(sql), routes, cluster);
        RouteResource routeResource = new RouteResource(routes, lookup, quotaCheck, audit, domains, remapper, jobs);
        ServiceInstanceResource serviceInstanceResource = new ServiceInstanceResource(services, catalog, provisioner,
                lookup, quotaCheck, audit, remapper);
        SpaceResource spaceResource = new SpaceResource(tenancy, roleChanges, audit, apps, routes, services, runtime,
                appResource, routeResource, serviceInstanceResource);
        this.info = new InfoResource(settings, cluster, shared.map(Channels.ROUTERS), () -> settings.loggingUrl(doppler.port()));
        this.resources = List.of(
                new RootResource(settings.externalUrl(), () -> settings.loggingUrl(doppler.port())),
                info,
                new TokenResource(tokens, users, throttle, TokenResource.trustedProxies(cluster)),
                new TokenKeyResource(signingKey),
                new ScimUserResource(users, throttle, TokenResource.trustedProxies(cluster)),
                new OrganizationResource(tenancy, quotas, quotaCheck, roleChanges, audit, spaceResource),
                spaceResource,
                new QuotaDefinitionResource(tenancy, quotas),
                new SpaceQuotaDefinitionResource(tenancy, quotas),
                new SharedDomainResource(domains, tenancy, routeResource),
                new DomainResource(domains, tenancy),
                new ClusterResource(tenancy, cluster, shared),
                new UserResource(tenancy, users),
                appResource,
                new AppBitsResource(apps, lookup, blobs, staging, runtime, settings, resourceCache, jobs),
                new AppSummaryResource(lookup, routes, services, runtime),
                new ResourceMatchResource(resourceCache, settings.uploadLimits().maxEntries()),
                new JobResource(jobs, tenancy),
                new StackResource(),
                new FeatureFlagResource(),
                new PrivateDomainResource(domains, tenancy, routeResource),
                new PrivateDomainResource.OfOrganization(domains, tenancy),
                new SpaceServiceResource(tenancy, catalog),
                new RouteAppResource(lookup, routes, apps, runtime),
                new V3Resource(tenancy, apps, appResource, routes, routeResource, jobs, domains, settings.externalUrl()),
                new AppLogResource(lookup, logs),
                new RecentLogsResource(lookup, logs),
                new StagingLogResource(lookup, staging),
                new AppRouteResource(lookup, routes, runtime, remapper),
                routeResource,
                new BlobResource(apps, blobs, secret),
                new ServiceResource(catalog),
                new ServicePlanResource(catalog),
                serviceInstanceResource,
                new ServiceBindingResource(services, provisioner, lookup, audit, remapper),
                new AppServiceBindingResource(lookup, services),
                new EventResource(audit, lookup),
                new EventResource.OfApp(audit, lookup));
        this.providers = List.of(
                new JacksonJsonProvider(Json.mapper().copy().disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM)),
                new RequestIdFilter(),
                auth,
                new Errors.CfExceptionMapper(),
                new V3Resource.V3ExceptionMapper(),
                new ScimUserResource.ScimExceptionMapper(),
                new Errors.JsonExceptionMapper(),
                new Errors.WebApplicationExceptionMapper(),
                new Errors.UnexpectedExceptionMapper());
    }

    /** Serves the API at {@code address} ("/" under the CXF servlet, or an absolute URL with an HTTP transport). */
    public synchronized void start(Bus bus, String address) {
        // Jackson writes every body. Without this CXF also registers its own JSON provider (which cannot write the maps
        // the resources return) and ranks it first, so it looked through all its writers again for every response.
        bus.setProperty(SKIP_DEFAULT_JSON_PROVIDER, true);
        JAXRSServerFactoryBean factory = new JAXRSServerFactoryBean();
        factory.setBus(bus);
        factory.setAddress(address);
        this.bus = bus;
        classLoaderResolver = ThreadClassLoaderResolver.install(bus);
        factory.setServiceBeans(resources);
        factory.setProviders(providers);
        try {
            doppler.start();
        } catch (IllegalStateException e) {
            LOG.error("controller not started: {}", e.getMessage());
            throw e;
        }
        server = factory.create();
        scheduler.scheduleWithFixedDelay(this::heartbeat, 0, HEARTBEAT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::publishAll, 0, PUBLISH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("controller API at {}", settings.externalUrl());
    }

    public AppRuntime runtime() {
        return runtime;
    }

    /**
     * Announces this controller's blob store (under its node id: every controller serves every blob) and the api.&lt;domain&gt; and console.&lt;domain&gt; routes (dropping those of a
     * previous domain), and checks on staging tasks.
     */
    private void heartbeat() {
        try {
            shared.map(Channels.BLOBSTORE).put(cluster.localNode().id(), settings.externalUrl(), Channels.OWNED_TTL);
            Set<String> keys = new HashSet<>();
            for (String host : PlatformHosts.ALL) {
                RouteEntry route = new RouteEntry(host + "." + cluster.config().appDomain(), cluster.localNode().address(),
                        settings.httpPort(), CONTROLLER_APP_ID, CONTROLLER_APP_ID + "-" + cluster.localNode().id(), 0);
                shared.map(Channels.ROUTES).put(route.key(), Json.write(route), Channels.OWNED_TTL);
                keys.add(route.key());
            }
            platformRouteKeys.getAndSet(Set.copyOf(keys)).stream().filter(k -> !keys.contains(k))
                    .forEach(shared.map(Channels.ROUTES)::remove);
            staging.tick();
        } catch (RuntimeException e) {
            LOG.warn("controller heartbeat failed: {}", e.toString());
        }
    }

    private void publishAll() {
        try {
            // an app left without a uid while the range was full gets one once a uid is free
            uids.assignMissing();
            runtime.publishAll();
        } catch (RuntimeException e) {
            LOG.warn("could not publish the apps' desired state to the cluster: {}", e.toString());
        }
    }

    /** The default external URL: this node's address and HTTP port. */
    public static String defaultExternalUrl(ClusterView cluster, int httpPort) {
        return URI.create("http://" + cluster.localNode().address() + ":" + httpPort).toString();
    }

    @Override
    public synchronized void close() {
        scheduler.shutdownNow();
        if (server != null) {
            server.destroy();
            server = null;
        }
        if (classLoaderResolver != null) {
            classLoaderResolver.remove(bus);
            classLoaderResolver = null;
        }
        doppler.close();
        info.close();
        platformRouteKeys.get().forEach(shared.map(Channels.ROUTES)::remove);
        shared.map(Channels.BLOBSTORE).remove(cluster.localNode().id(), settings.externalUrl());
        staging.close();
        logs.close();
        events.close();
    }
}
