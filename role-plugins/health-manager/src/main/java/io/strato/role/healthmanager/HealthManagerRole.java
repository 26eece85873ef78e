package io.strato.role.healthmanager;

import io.strato.api.app.Channels;
import io.strato.api.cluster.ClusterKeys;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.Registration;
import io.strato.api.cluster.SharedState;
import io.strato.api.role.Role;
import io.strato.api.app.InstanceStatus;
import io.strato.api.json.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health-manager role: runs {@link HealthManager} passes every {@code intervalMillis}, and soon after any
 * change to the desired apps or to the state of an instance a DEA reports. Several nodes may have the role; one acts.
 */
@Component(service = Role.class, configurationPid = "io.strato.healthmanager", immediate = true)
@Designate(ocd = HealthManagerRole.Config.class)
public final class HealthManagerRole implements Role {

    @ObjectClassDefinition(name = "Strato health manager",
            description = "Keeps app instances running as the controller wants them")
    public @interface Config {
        @AttributeDefinition(description = "Milliseconds between two full passes")
        long intervalMillis() default 1000;

        @AttributeDefinition(description = "Seconds without a DEA heartbeat before the DEA is declared lost")
        long deaLostAfterSeconds() default 7;

        @AttributeDefinition(description = "Crashes of one instance restarted at once before back-off begins")
        int immediateRestarts() default 3;

        @AttributeDefinition(description = "Seconds before the first delayed restart; each further crash doubles it")
        long backoffStartSeconds() default 30;

        @AttributeDefinition(description = "Longest delay between restarts of a crashing instance, in seconds")
        long backoffMaxSeconds() default 960;

        @AttributeDefinition(description = "Seconds an instance must run before its past crashes are forgiven")
        long steadyAfterSeconds() default 300;
    }

    /** How often the scheduler looks whether a pass is due. */
    private static final long TICK_MILLIS = 250;
    /**
     * A change (an app to start, an instance that crashed, a node gone) calls for a pass at once rather than at the
     * next tick, but for no more than one pass per this many milliseconds while changes keep coming.
     */
    private static final long CHANGE_GAP_MILLIS = 20;
    private static final Logger LOG = LoggerFactory.getLogger(HealthManagerRole.class);

    private final HealthManager manager;
    private final ScheduledExecutorService scheduler;
    private final List<Registration> listeners;
    private final AtomicBoolean dirty = new AtomicBoolean(true);
    private final AtomicBoolean woken = new AtomicBoolean();
    private final Map<String, String> instanceStates = new ConcurrentHashMap<>();
    private final long intervalNanos;
    private volatile long lastPass;

    @Activate
    public HealthManagerRole(@Reference(name = "sharedState") SharedState shared,
                             @Reference(name = "clusterView") ClusterView cluster, Config config) {
        HealthSettings settings = new HealthSettings(Duration.ofMillis(config.intervalMillis()),
                Duration.ofSeconds(config.deaLostAfterSeconds()), config.immediateRestarts(),
                Duration.ofSeconds(config.backoffStartSeconds()), Duration.ofSeconds(config.backoffMaxSeconds()),
                Duration.ofSeconds(config.steadyAfterSeconds()), HealthSettings.DEFAULTS.startGrace());
        this.manager = new HealthManager(shared, cluster.localNode().id(), settings, System::currentTimeMillis,
                () -> System.nanoTime() / 1_000_000);
        this.intervalNanos = settings.interval().toNanos();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strato-health-manager");
            t.setDaemon(true);
            return t;
        });
        this.listeners = List.of(
                shared.map(Channels.DESIRED_APPS).listen((key, value) -> changed()),
                shared.map(Channels.INSTANCES).listen(this::instanceChanged),
                shared.map(ClusterKeys.NODES).listen(this::nodeChanged));
        scheduler.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info("Health manager started: DEAs are lost after {} s without heartbeat; {} immediate restarts, then "
                        + "{} s back-off doubling up to {} s", settings.deaLostAfter().toSeconds(),
                settings.immediateRestarts(), settings.backoffStart().toSeconds(), settings.backoffMax().toSeconds());
    }

    /** A node gone calls for a pass at once: its DEA's instances are to be replaced. */
    private void nodeChanged(String nodeId, Optional<String> record) {
        manager.nodeChanged(nodeId, record.isPresent());
        if (record.isEmpty()) {
            changed();
        }
    }

    /**
     * Calls for a pass now: a started app's instances are placed as soon as the controller wants them, not up to
     * a tick later. Changes that come in a burst (the controller republishing every app) share passes.
     */
    private void changed() {
        dirty.set(true);
        if (!woken.compareAndSet(false, true)) {
            return;
        }
        long sinceLast = (System.nanoTime() - lastPass) / 1_000_000;
        try {
            scheduler.schedule(() -> {
                woken.set(false);
                tick();
            }, Math.max(0, CHANGE_GAP_MILLIS - sinceLast), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            woken.set(false);
        }
    }

    /**
     * DEAs rewrite every instance entry every few seconds to keep it alive; only a new state (or version, or a
     * removal) calls for a pass before the next regular one.
     */
    private void instanceChanged(String instanceId, Optional<String> json) {
        String now = json.flatMap(HealthManagerRole::stateOf).orElse(null);
        String before = now == null ? instanceStates.remove(instanceId) : instanceStates.put(instanceId, now);
        if (!java.util.Objects.equals(before, now)) {
            changed();
        }
    }

    private static Optional<String> stateOf(String json) {
        try {
            InstanceStatus s = Json.read(json, InstanceStatus.class);
            return Optional.of(s.state() + "|" + s.appVersion() + "|" + s.deaId());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private void tick() {
        long now = System.nanoTime();
        if (!dirty.getAndSet(false) && now - lastPass < intervalNanos) {
            return;
        }
        lastPass = now;
        try {
            manager.pass();
        } catch (RuntimeException e) {
            LOG.warn("Health manager pass failed: {}", e.toString());
        }
    }

    @Override
    public String name() {
        return "health-manager";
    }

    @Override
    public String description() {
        return "Keeps app instances as the controller wants them: placement, crash restarts, lost DEAs";
    }

    @Deactivate
    public void deactivate() {
        listeners.forEach(Registration::close);
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        manager.close();
        LOG.info("Health manager stopped");
    }
}
