package io.strato.role.dea;

import io.strato.api.app.Channels;
import io.strato.api.app.DeaAdvertisement;
import io.strato.api.app.InstanceOrder;
import io.strato.api.app.InstanceState;
import io.strato.api.app.InstanceStatus;
import io.strato.api.app.LogLine;
import io.strato.api.app.RouteEntry;
import io.strato.api.app.RouterEndpoint;
import io.strato.api.cluster.ClusterSecret;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.Registration;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.SharedState;
import io.strato.api.cluster.Topic;
import io.strato.api.json.Json;
import io.strato.api.role.Role;
import io.strato.api.sandbox.Sandbox;
import io.strato.api.sandbox.SandboxCgroups;
import io.strato.api.sandbox.UidRange;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Droplet Execution Agent role: advertises this node's capacity, carries out the START and STOP
 * orders addressed to it, and keeps the cluster's view of its instances ({@link Channels#INSTANCES})
 * and their routes ({@link Channels#ROUTES}) fresh. When the role goes away, every instance it runs goes
 * with it.
 */
@Component(service = Role.class, configurationPid = "io.strato.dea", immediate = true)
@Designate(ocd = DeaRole.Config.class)
public final class DeaRole implements Role {

    @ObjectClassDefinition(name = "Strato DEA", description = "Runs app instances on this node")
    public @interface Config {
        @AttributeDefinition(description = "Memory (MB) instances may reserve in total; 0 means 75% of the machine's")
        long memoryMb() default 0;

        @AttributeDefinition(description = "Ports given to instances, like 61000-61999")
        String portRange() default "61000-61999";

        @AttributeDefinition(description = "Droplet cache and instance directories; empty means ${karaf.data}/strato/dea")
        String baseDir() default "";

        @AttributeDefinition(description = "Uids app code may run as (each app has its own, given by the controller); "
                + "orders for other uids are refused. Used when the node runs as root")
        String appUidRange() default "20000-29999";

        @AttributeDefinition(description = "Open files per instance; 0 means no limit")
        int fdLimit() default 16384;

        @AttributeDefinition(description = "Processes (threads included, where a pids cgroup counts them) per instance; 0 means no limit")
        int processLimit() default 1024;

        @AttributeDefinition(description = "Seconds a new instance may take to listen on its port")
        int startTimeoutSeconds() default 120;

        @AttributeDefinition(description = "Seconds a stopped instance may take to exit after SIGTERM, before SIGKILL")
        int stopGraceSeconds() default 10;
    }

    private static final Logger LOG = LoggerFactory.getLogger(DeaRole.class);

    private final ClusterView cluster;
    private final DeaSettings settings;
    private final String deaId;
    private final String address;
    private final SharedMap advertisements;
    private final SharedMap instances;
    private final SharedMap usage;
    private final InstanceMeter meter = new InstanceMeter(Path.of("/proc"));
    private final SharedMap routes;
    private final SharedMap routers;
    private final AppEgress egress;
    private final Topic logs;
    private final Sandbox sandbox;
    private final SandboxCgroups cgroups;
    private final DropletCache droplets;
    private final InstancePortPool ports;
    private final Map<String, InstanceRunner> runners = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final ScheduledExecutorService refresher;
    private final Object admission = new Object();
    private final Object publishing = new Object();
    private final InstanceRunner.Listener listener = new InstanceRunner.Listener() {
        @Override
        public void changed(InstanceRunner instance) {
            InstanceStatus status = instance.status();
            if (status.state() == InstanceState.CRASHED) {
                LOG.info("Instance {} of app {} ({}) crashed: {}", status.index(), instance.order().appName(),
                        status.appGuid(), status.reason());
            }
            publish(instance);
            advertise();
        }

        @Override
        public void log(InstanceRunner instance, String source, String stream, String line) {
            logs.publish(Json.write(new LogLine(instance.order().appGuid(), System.currentTimeMillis(), source,
                    instance.order().index(), stream, line)));
        }
    };
    private final Registration subscription;

    @Activate
    public DeaRole(@Reference(name = "sharedState") SharedState state,
                   @Reference(name = "clusterView") ClusterView cluster,
                   @Reference(name = "clusterSecret") ClusterSecret secret,
                   Config config) {
        this(state, cluster, secret, settings(config));
    }

    DeaRole(SharedState state, ClusterView cluster, ClusterSecret secret, DeaSettings settings) {
        this.cluster = cluster;
        this.settings = settings;
        this.deaId = cluster.localNode().id();
        this.address = cluster.localNode().address();
        this.advertisements = state.map(Channels.DEA_ADVERTISEMENTS);
        this.instances = state.map(Channels.INSTANCES);
        this.usage = state.map(Channels.INSTANCE_USAGE);
        this.routes = state.map(Channels.ROUTES);
        this.routers = state.map(Channels.ROUTERS);
        this.logs = state.topic(Channels.APP_LOGS);
        try {
            Files.createDirectories(settings.baseDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the DEA directory " + settings.baseDir(), e);
        }
        this.cgroups = SandboxCgroups.detect("dea", deaId);
        cgroups.removeLeftovers();
        LeftoverInstances.clean(settings.baseDir());
        try {
            this.sandbox = Sandbox.detect(settings.appUids(), "DEA " + cluster.localNode().name());
            settings.openDirectories(sandbox);
            this.egress = AppEgress.open(deaId, settings.appUids());
        } catch (IOException e) {
            cgroups.close();
            throw new UncheckedIOException("cannot prepare the DEA directory " + settings.baseDir()
                    + " for app instances: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            cgroups.close();
            throw e;
        }
        SharedMap controllers = state.map(Channels.BLOBSTORE);
        this.droplets = new DropletCache(settings.baseDir().resolve("droplets"), secret::value, controllers::entries,
                deaId, Duration.ofMinutes(5));
        this.ports = new InstancePortPool(settings.portFrom(), settings.portTo());
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "strato-dea-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strato-dea-refresh");
            t.setDaemon(true);
            return t;
        });
        advertise();
        long period = Channels.OWNED_TTL.toMillis() / 3;
        refresher.scheduleAtFixedRate(this::refresh, period, period, TimeUnit.MILLISECONDS);
        this.subscription = state.topic(Channels.DEA_ORDERS).subscribe(this::onOrder);
        LOG.info("DEA {} ready: {} MB for instances, ports {}-{}, directory {}, memory limits {}, process limits {}",
                deaId, settings.memoryMb(), settings.portFrom(), settings.portTo(), settings.baseDir(),
                cgroups.limitsMemory() ? "enforced (cgroup)" : "not enforced",
                cgroups.limitsProcesses() ? "enforced (cgroup)" : "prlimit only");
    }

    @Override
    public String name() {
        return "dea";
    }

    @Override
    public String description() {
        return "Droplet Execution Agent: runs app instances and registers their routes";
    }

    /** Stops every instance this DEA runs: none outlives the role. */
    @Deactivate
    public void deactivate() {
        subscription.close();
        refresher.shutdownNow();
        List<InstanceRunner> all;
        synchronized (publishing) {
            all = new ArrayList<>(runners.values());
            runners.clear();
            all.forEach(runner -> runner.routeKeys().forEach(routes::remove));
        }
        List<Future<?>> stops = new ArrayList<>();
        for (InstanceRunner runner : all) {
            stops.add(workers.submit(runner::stop));
        }
        for (Future<?> stop : stops) {
            try {
                stop.get(settings.stopGrace().toSeconds() + 30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("An instance did not stop cleanly: {}", e.toString());
            }
        }
        all.forEach(r -> {
            instances.remove(r.instanceId());
            usage.remove(r.instanceId());
        });
        workers.shutdownNow();
        egress.close();
        cgroups.close();
        advertisements.remove(deaId);
        LOG.info("DEA {} stopped with its {} instance(s)", deaId, all.size());
    }

    private void onOrder(String message) {
        InstanceOrder order;
        try {
            order = Json.read(message, InstanceOrder.class);
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring an instance order that cannot be read: {}", e.getMessage());
            return;
        }
        if (!deaId.equals(order.deaId())) {
            return;
        }
        if (order.action() == InstanceOrder.Action.START) {
            start(order);
        } else {
            stop(order);
        }
    }

    private void start(InstanceOrder order) {
        String id = order.instanceId() != null && order.instanceId().matches("[A-Za-z0-9_-]{1,64}")
                ? order.instanceId() : UUID.randomUUID().toString();
        InstanceRunner runner;
        InstanceRunner existing = runners.get(id);
        if (existing != null) {
            if (existing.active()) {
                return;
            }
            // a START again for a crashed instance: the new one takes its place and its directory
            if (runners.remove(id, existing)) {
                existing.stop();
            }
        }
        synchronized (admission) {
            if (runners.containsKey(id)) {
                return;
            }
            long free = freeMemoryMb();
            OptionalInt port = order.memoryMb() > free ? OptionalInt.empty() : ports.allocate();
            if (sandbox.switchesUser() && !settings.appUids().contains(order.appUid())) {
                // never run app code as root, the node's user or a data server's user, whoever sent the order
                runner = InstanceRunner.refused(order, id, deaId, address, settings, "refused: uid " + order.appUid()
                        + " is outside this DEA's app uid range " + settings.appUids(), listener);
                LOG.warn("Refused instance {} of app {} ({}): uid {} is outside the app uid range {}", order.index(),
                        order.appName(), order.appGuid(), order.appUid(), settings.appUids());
            } else if (order.memoryMb() > free) {
                runner = InstanceRunner.refused(order, id, deaId, address, settings, "insufficient memory: needs "
                        + order.memoryMb() + " MB, " + free + " MB free of " + settings.memoryMb() + " MB on this DEA",
                        listener);
            } else if (port.isEmpty()) {
                runner = InstanceRunner.refused(order, id, deaId, address, settings, "no free port in "
                        + settings.portFrom() + "-" + settings.portTo() + " on this DEA", listener);
            } else {
                runner = new InstanceRunner(order, id, deaId, address, port.getAsInt(), settings, sandbox, cgroups,
                        droplets, ports, listener);
            }
            runners.put(id, runner);
        }
        listener.changed(runner);
        if (runner.active()) {
            updateEgress(); // before the instance runs: its bound services must be reachable from its first line
            LOG.info("Starting instance {} of app {} ({}) on port {}", order.index(), order.appName(),
                    order.appGuid(), runner.status().port());
            workers.execute(runner::start);
        }
    }

    private void stop(InstanceOrder order) {
        for (InstanceRunner runner : List.copyOf(runners.values())) {
            if (!matches(order, runner)) {
                continue;
            }
            // with the publishing lock, so that a refresh under way cannot write the routes back after this
            boolean removed;
            synchronized (publishing) {
                removed = runners.remove(runner.instanceId(), runner);
                if (removed) {
                    runner.routeKeys().forEach(routes::remove);
                }
            }
            if (removed) {
                LOG.info("Stopping instance {} of app {} ({})", runner.order().index(), runner.order().appName(),
                        runner.order().appGuid());
                workers.execute(() -> {
                    runner.stop();
                    instances.remove(runner.instanceId());
                    usage.remove(runner.instanceId());
                    advertise();
                });
            }
        }
    }

    private static boolean matches(InstanceOrder stop, InstanceRunner runner) {
        InstanceOrder started = runner.order();
        if (stop.instanceId() != null) {
            return stop.instanceId().equals(runner.instanceId());
        }
        return stop.appGuid().equals(started.appGuid()) && (stop.index() < 0 || stop.index() == started.index())
                && (stop.appVersion() == null || stop.appVersion().equals(started.appVersion()));
    }

    private long freeMemoryMb() {
        long reserved = runners.values().stream().filter(InstanceRunner::active)
                .mapToLong(r -> r.order().memoryMb()).sum();
        return Math.max(0, settings.memoryMb() - reserved);
    }

    /** Writes an instance's status and routes, unless it was stopped meanwhile. */
    private void publish(InstanceRunner runner) {
        synchronized (publishing) {
            if (runners.get(runner.instanceId()) != runner) {
                return;
            }
            // routes first: once the cluster sees an instance RUNNING, the routers know it
            List<RouteEntry> live = runner.routes();
            if (live.isEmpty()) {
                runner.routeKeys().forEach(routes::remove);
            } else {
                live.forEach(r -> routes.put(r.key(), Json.write(r), Channels.OWNED_TTL));
            }
            instances.put(runner.instanceId(), Json.write(runner.status()), Channels.OWNED_TTL);
        }
    }

    private void advertise() {
        try {
            long active = runners.values().stream().filter(InstanceRunner::active).count();
            advertisements.put(deaId, Json.write(new DeaAdvertisement(deaId, cluster.localNode().name(), address,
                    settings.memoryMb(), freeMemoryMb(), (int) active, System.currentTimeMillis())), Channels.OWNED_TTL);
        } catch (RuntimeException e) {
            LOG.warn("Could not advertise this DEA to the cluster: {}", e.getMessage());
        }
    }

    /** Brings the network rules of app instances in line with what runs here and the cluster's nodes and routers. */
    private void updateEgress() {
        if (!egress.active()) {
            return;
        }
        try {
            List<InstanceOrder> running = runners.values().stream().filter(InstanceRunner::active)
                    .map(InstanceRunner::order).toList();
            List<String> nodes = cluster.nodes().stream().map(n -> n.address()).toList();
            List<Integer> routerPorts = routers.values(RouterEndpoint.class).stream().map(RouterEndpoint::port).toList();
            egress.update(running, nodes, routerPorts);
        } catch (RuntimeException e) {
            LOG.warn("Could not update the network rules of app instances: {}", e.getMessage());
        }
    }

    private void refresh() {
        advertise();
        updateEgress();
        long now = System.currentTimeMillis();
        for (InstanceRunner runner : runners.values()) {
            try {
                publish(runner);
                if (runner.state() == InstanceState.RUNNING) {
                    usage.put(runner.instanceId(), Json.write(meter.measure(runner.instanceId(), runner.order().appGuid(),
                            runner.pids(), runner.home(), now)), Channels.OWNED_TTL);
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not refresh instance {}: {}", runner.instanceId(), e.getMessage());
            }
        }
        meter.retain(runners.keySet());
    }

    private static DeaSettings settings(Config config) {
        int[] range = DeaSettings.parsePortRange(config.portRange());
        Path baseDir = config.baseDir() == null || config.baseDir().isBlank()
                ? Path.of(System.getProperty("karaf.data", System.getProperty("java.io.tmpdir")), "strato", "dea")
                : Path.of(config.baseDir());
        long memory = config.memoryMb() > 0 ? config.memoryMb() : DeaSettings.defaultMemoryMb();
        return new DeaSettings(memory, range[0], range[1], baseDir, UidRange.parse(config.appUidRange()), config.fdLimit(),
                config.processLimit(), Duration.ofSeconds(config.startTimeoutSeconds()),
                Duration.ofSeconds(config.stopGraceSeconds()));
    }
}
