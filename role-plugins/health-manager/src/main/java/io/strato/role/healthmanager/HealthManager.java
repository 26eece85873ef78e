package io.strato.role.healthmanager;

import io.strato.api.app.AppEvent;
import io.strato.api.app.AppHealth;
import io.strato.api.app.Channels;
import io.strato.api.app.DeaAdvertisement;
import io.strato.api.app.DesiredApp;
import io.strato.api.app.InstanceOrder;
import io.strato.api.app.InstanceOrder.Action;
import io.strato.api.app.InstanceState;
import io.strato.api.app.InstanceStatus;
import io.strato.api.app.LogLine;
import io.strato.api.app.RouteEntry;
import io.strato.api.cluster.Lease;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.SharedState;
import io.strato.api.json.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes what the DEAs run match what the controller wants ({@link Channels#DESIRED_APPS}), one pass at a time:
 * <ul>
 * <li>each index of a desired app gets one live instance of the desired version, placed by {@link Placer};
 *     duplicates, indexes scaled away, instances of apps no longer desired, and old-version instances whose
 *     index runs on the new version are stopped;</li>
 * <li>a crash is recorded as an {@link AppEvent}; the index restarts at once for the first crashes, then after
 *     a doubling delay ({@link CrashBackoff}), and the app shows as FLAPPING ({@link AppHealth});</li>
 * <li>a DEA that stops advertising is declared lost ({@link DeaLiveness}): its routes and instance entries are
 *     removed at once and its instances are placed on the other DEAs.</li>
 * </ul>
 * Only the holder of the health manager lease acts; every other health manager waits to take over.
 */
final class HealthManager {

    static final String LOG_SOURCE = "HEALTH";
    /** How long a STOP may take to show before it is sent again. */
    private static final long STOP_GRACE_MILLIS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(HealthManager.class);

    private record Pending(String deaId, String version, long memoryMb, long until) {
    }

    private final SharedState shared;
    private final HealthSettings settings;
    private final LongSupplier wallClock;
    private final LongSupplier monotonicClock;
    private final Lease lease;
    private final DeaLiveness liveness;
    private final CrashBackoff backoff;
    private final Map<String, Pending> pending = new HashMap<>();
    private final Map<String, Long> stopsSent = new HashMap<>();
    private final Set<String> crashesSeen = new HashSet<>();
    private final Map<String, String> deaOfInstance = new HashMap<>();
    /** DEA id → its node's name, for log lines about DEAs that are gone. */
    private final Map<String, String> deaNodes = new HashMap<>();
    private final Map<String, AppHealth> reported = new HashMap<>();
    /**
     * Nodes whose record was removed: the cluster dropped them (see kato:status) or their heartbeat lapsed. Their
     * DEAs are lost at the next pass, without waiting for their advertisements to go stale.
     */
    private final Set<String> nodesGone = ConcurrentHashMap.newKeySet();
    private boolean acting;

    HealthManager(SharedState shared, String nodeId, HealthSettings settings, LongSupplier wallClock,
                  LongSupplier monotonicClock) {
        this.shared = shared;
        this.settings = settings;
        this.wallClock = wallClock;
        this.monotonicClock = monotonicClock;
        this.lease = new Lease(shared.map(Channels.HEALTH_MANAGER_LEASE), nodeId, Channels.OWNED_TTL);
        this.liveness = new DeaLiveness(settings);
        this.backoff = new CrashBackoff(settings);
    }

    /** A node's record was written ({@code present}) or removed. */
    void nodeChanged(String nodeId, boolean present) {
        if (present) {
            nodesGone.remove(nodeId);
        } else {
            nodesGone.add(nodeId);
        }
    }

    /** Whether this node's health manager is the one acting. */
    synchronized boolean acting() {
        return acting;
    }

    /** One pass; does nothing unless this node holds the lease. */
    synchronized void pass() {
        lease.holder().filter(nodesGone::contains).ifPresent(gone -> {
            LOG.info("Health manager: the node of the acting health manager ({}) is gone from the cluster; taking over", gone);
            lease.revoke(gone);
        });
        if (!lease.hold()) {
            if (acting) {
                LOG.info("Health manager: another node's health manager ({}) acts now", lease.holder().orElse("?"));
                forgetAll();
            }
            return;
        }
        if (!acting) {
            LOG.info("Health manager: this node's health manager is now the acting one");
            acting = true;
        }
        long now = wallClock.getAsLong();
        List<DeaAdvertisement> ads = readAll(Channels.DEA_ADVERTISEMENTS, DeaAdvertisement.class).stream()
                .filter(ad -> !nodesGone.contains(ad.deaId())).toList();
        ads.forEach(ad -> deaNodes.put(ad.deaId(), ad.nodeName()));
        DeaLiveness.Outcome deas = liveness.observe(ads, monotonicClock.getAsLong());
        List<InstanceStatus> all = readAll(Channels.INSTANCES, InstanceStatus.class);
        all.forEach(i -> deaOfInstance.put(i.instanceId(), i.deaId()));
        deas.newlyLost().forEach(this::declareLost);
        deaOfInstance.keySet().retainAll(all.stream().map(InstanceStatus::instanceId).collect(Collectors.toSet()));

        List<InstanceStatus> actual = all.stream().filter(i -> deas.live().containsKey(i.deaId())).toList();
        Map<String, DesiredApp> desired = readAll(Channels.DESIRED_APPS, DesiredApp.class).stream()
                .collect(Collectors.toMap(DesiredApp::appGuid, d -> d, (a, b) -> a));
        recordCrashes(actual, desired, now);

        Set<String> visible = actual.stream().map(i -> i.appGuid() + "/" + i.index() + "/" + i.appVersion())
                .collect(Collectors.toSet());
        pending.entrySet().removeIf(e -> e.getValue().until() <= now
                || visible.contains(e.getKey() + "/" + e.getValue().version()) || !desired.containsKey(appOf(e.getKey())));
        Map<String, Long> reserved = new HashMap<>();
        pending.values().forEach(p -> reserved.merge(p.deaId(), p.memoryMb(), Long::sum));
        Placer placer = new Placer(deas.live().values(), reserved);

        Map<String, List<InstanceStatus>> byApp = actual.stream().collect(Collectors.groupingBy(InstanceStatus::appGuid));
        Map<String, AppHealth> health = new HashMap<>();
        for (DesiredApp app : desired.values()) {
            AppHealth h = converge(app, byApp.getOrDefault(app.appGuid(), List.of()), placer, now);
            if (!h.isEmpty()) {
                health.put(app.appGuid(), h);
            }
        }
        byApp.forEach((appGuid, instances) -> {
            if (!desired.containsKey(appGuid)) {
                stopApp(appGuid, instances, now);
            }
        });
        backoff.retainApps(desired.keySet());
        stopsSent.values().removeIf(until -> until <= now);
        publishHealth(health);
    }

    private AppHealth converge(DesiredApp app, List<InstanceStatus> instances, Placer placer, long now) {
        String version = app.version();
        List<InstanceStatus> live = instances.stream()
                .filter(i -> i.state() == InstanceState.STARTING || i.state() == InstanceState.RUNNING).toList();
        Map<Integer, List<InstanceStatus>> current = live.stream().filter(i -> version.equals(i.appVersion()))
                .collect(Collectors.groupingBy(InstanceStatus::index));

        for (Map.Entry<Integer, List<InstanceStatus>> e : current.entrySet()) {
            List<InstanceStatus> same = new ArrayList<>(e.getValue());
            // keep one per index: a running one, the oldest
            same.sort(Comparator.comparing((InstanceStatus i) -> i.state() != InstanceState.RUNNING)
                    .thenComparingLong(InstanceStatus::since));
            for (int k = e.getKey() < app.instances() ? 1 : 0; k < same.size(); k++) {
                stop(same.get(k), now);
            }
        }
        for (InstanceStatus i : instances) {
            boolean crashedAndDone = i.state() == InstanceState.CRASHED && (i.index() >= app.instances()
                    || !version.equals(i.appVersion()) || current.containsKey(i.index()));
            boolean oldAndReplaced = i.state() != InstanceState.CRASHED && i.state() != InstanceState.STOPPED
                    && !version.equals(i.appVersion())
                    && (i.index() >= app.instances() || runningAt(current, i.index()));
            if (crashedAndDone || oldAndReplaced) {
                stop(i, now);
            }
        }

        Map<String, Long> appOnDea = live.stream().collect(Collectors.groupingBy(InstanceStatus::deaId, Collectors.counting()));
        pending.forEach((key, p) -> {
            if (appOf(key).equals(app.appGuid())) {
                appOnDea.merge(p.deaId(), 1L, Long::sum);
            }
        });
        String problem = null;
        List<AppHealth.Flapping> flapping = new ArrayList<>();
        for (int index = 0; index < app.instances(); index++) {
            String key = app.appGuid() + "/" + index;
            List<InstanceStatus> here = current.get(index);
            if (here != null) {
                pending.remove(key);
                if (here.stream().anyMatch(i -> i.state() == InstanceState.RUNNING
                        && now - i.since() >= settings.steadyAfter().toMillis())) {
                    backoff.forget(key);
                }
            } else if (!pending.containsKey(key) && backoff.mayStart(key, now)) {
                Placer.Choice choice = placer.choose(app.memoryMb(), appOnDea);
                if (choice.deaId() == null) {
                    problem = choice.problem();
                } else {
                    send(app.startOrder(choice.deaId(), index));
                    pending.put(key, new Pending(choice.deaId(), version, app.memoryMb(),
                            now + settings.startGrace().toMillis()));
                }
            }
            if (backoff.flapping(key)) {
                flapping.add(new AppHealth.Flapping(index, backoff.crashes(key), backoff.restartAt(key)));
            }
        }
        return new AppHealth(app.appGuid(), problem, flapping);
    }

    private void recordCrashes(List<InstanceStatus> actual, Map<String, DesiredApp> desired, long now) {
        Set<String> crashed = new HashSet<>();
        for (InstanceStatus i : actual) {
            if (i.state() != InstanceState.CRASHED) {
                continue;
            }
            crashed.add(i.instanceId());
            if (!crashesSeen.add(i.instanceId())) {
                continue;
            }
            shared.topic(Channels.APP_EVENTS).publish(Json.write(new AppEvent(i.instanceId(), i.appGuid(),
                    AppEvent.CRASH, i.since(), i.index(), i.instanceId(), i.exitStatus(), i.reason())));
            DesiredApp app = desired.get(i.appGuid());
            if (app == null || !app.version().equals(i.appVersion()) || i.index() >= app.instances()) {
                continue;
            }
            String key = i.appGuid() + "/" + i.index();
            pending.remove(key);
            long restartAt = backoff.crashed(key, now);
            int crashes = backoff.crashes(key);
            if (restartAt > now) {
                long seconds = (restartAt - now + 999) / 1000;
                LOG.info("App {} ({}) instance {} crashed {} times; it is flapping and restarts in {} s", app.name(),
                        app.appGuid(), i.index(), crashes, seconds);
                appLog(app.appGuid(), "Instance " + i.index() + " crashed " + crashes + " times: FLAPPING, next restart in "
                        + seconds + " s");
            } else {
                LOG.info("App {} ({}) instance {} crashed ({}); restarting it", app.name(), app.appGuid(), i.index(),
                        i.reason() == null ? "exit status " + i.exitStatus() : i.reason());
            }
        }
        crashesSeen.retainAll(crashed);
    }

    private void declareLost(String deaId) {
        Set<String> instanceIds = deaOfInstance.entrySet().stream().filter(e -> e.getValue().equals(deaId))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        SharedMap routes = shared.map(Channels.ROUTES);
        int removedRoutes = 0;
        for (RouteEntry route : routes.values(RouteEntry.class)) {
            if (instanceIds.contains(route.instanceId())) {
                routes.remove(route.key());
                removedRoutes++;
            }
        }
        SharedMap instances = shared.map(Channels.INSTANCES);
        instanceIds.forEach(instances::remove);
        shared.map(Channels.DEA_ADVERTISEMENTS).remove(deaId);
        LOG.warn("The DEA on node {} ({}) is lost: no heartbeat for {} s; removed its {} route(s), its {} instance(s) "
                + "start on other DEAs", deaNodes.getOrDefault(deaId, "?"), deaId, settings.deaLostAfter().toSeconds(),
                removedRoutes, instanceIds.size());
        deaNodes.remove(deaId);
    }

    private void stopApp(String appGuid, List<InstanceStatus> instances, long now) {
        instances.stream().filter(i -> i.state() != InstanceState.STOPPED).map(InstanceStatus::deaId).distinct()
                .forEach(deaId -> {
                    if (stopsSent.getOrDefault(appGuid + "|" + deaId, 0L) <= now) {
                        stopsSent.put(appGuid + "|" + deaId, now + STOP_GRACE_MILLIS);
                        send(new InstanceOrder(deaId, Action.STOP, appGuid, null, null, -1, null, null, 0, 0, null,
                                null, null, null, 0));
                    }
                });
    }

    private void stop(InstanceStatus i, long now) {
        if (stopsSent.getOrDefault(i.instanceId(), 0L) > now) {
            return;
        }
        stopsSent.put(i.instanceId(), now + STOP_GRACE_MILLIS);
        send(new InstanceOrder(i.deaId(), Action.STOP, i.appGuid(), null, i.appVersion(), i.index(), i.instanceId(),
                null, 0, 0, null, null, null, null, 0));
    }

    private void publishHealth(Map<String, AppHealth> health) {
        SharedMap map = shared.map(Channels.APP_HEALTH);
        for (AppHealth h : health.values()) {
            AppHealth before = reported.put(h.appGuid(), h);
            map.put(h.appGuid(), Json.write(h), Channels.OWNED_TTL);
            if (h.problem() != null && (before == null || !h.problem().equals(before.problem()))) {
                LOG.warn("App {}: cannot start all instances: {}", h.appGuid(), h.problem());
                appLog(h.appGuid(), "Cannot start all instances: " + h.problem());
            }
        }
        for (String appGuid : new ArrayList<>(reported.keySet())) {
            if (!health.containsKey(appGuid)) {
                reported.remove(appGuid);
                map.remove(appGuid);
            }
        }
    }

    private void appLog(String appGuid, String line) {
        shared.topic(Channels.APP_LOGS).publish(Json.write(new LogLine(appGuid, wallClock.getAsLong(), LOG_SOURCE, -1,
                "stderr", line)));
    }

    private void send(InstanceOrder order) {
        shared.topic(Channels.DEA_ORDERS).publish(Json.write(order));
    }

    private static boolean runningAt(Map<Integer, List<InstanceStatus>> current, int index) {
        return current.getOrDefault(index, List.of()).stream().anyMatch(i -> i.state() == InstanceState.RUNNING);
    }

    private static String appOf(String key) {
        return key.substring(0, key.lastIndexOf('/'));
    }

    private <T> List<T> readAll(String map, Class<T> type) {
        return shared.map(map).values(type);
    }


    private void forgetAll() {
        acting = false;
        pending.clear();
        stopsSent.clear();
        reported.clear();
    }

    /** Stops acting and gives the lease up, so another health manager takes over at once. */
    synchronized void close() {
        if (acting) {
            SharedMap map = shared.map(Channels.APP_HEALTH);
            reported.keySet().forEach(map::remove);
        }
        forgetAll();
        lease.release();
    }
}
