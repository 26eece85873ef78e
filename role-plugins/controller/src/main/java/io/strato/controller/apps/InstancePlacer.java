package io.strato.controller.apps;

import io.strato.api.app.Channels;
import io.strato.api.app.DeaAdvertisement;
import io.strato.api.app.InstanceOrder;
import io.strato.api.app.InstanceOrder.Action;
import io.strato.api.app.InstanceState;
import io.strato.api.app.InstanceStatus;
import io.strato.api.app.LogLine;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.SharedState;
import io.strato.api.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the instances DEAs run match the apps' desired state: for a started app with a droplet, one live
 * instance per index of the current droplet, started on the DEA with the most free memory that fits (DEAs
 * not yet running the app first); extra indexes, instances of stopped or deleted apps, and old-droplet
 * instances whose index runs on the new droplet are stopped. It runs on every app change and periodically,
 * so instances that vanish (their DEA died and the entries expired) are started again. Only one controller
 * of the cluster places at a time.
 */
public final class InstancePlacer {

    /** How long a START may take to show up in {@link Channels#INSTANCES} before it is sent again. */
    static final Duration START_GRACE = Duration.ofSeconds(30);
    static final String LEADER_MAP = "controller.placer";
    public static final String NO_DEA = "no DEA is available in the cluster";
    public static final String NO_MEMORY = "insufficient memory on all DEAs";

    private static final Logger LOG = LoggerFactory.getLogger(InstancePlacer.class);

    private record Pending(String deaId, String version, long until) {
    }

    private final SharedState shared;
    private final AppStore apps;
    private final RouteStore routes;
    private final LogBuffer logs;
    private final String blobBaseUrl;
    private final String nodeId;
    private final BoundServices services;
    private final Executor executor;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, String> problems = new ConcurrentHashMap<>();

    public InstancePlacer(SharedState shared, AppStore apps, RouteStore routes, LogBuffer logs, String blobBaseUrl,
                          String nodeId, BoundServices services, Executor executor) {
        this.shared = shared;
        this.apps = apps;
        this.routes = routes;
        this.logs = logs;
        this.blobBaseUrl = blobBaseUrl;
        this.nodeId = nodeId;
        this.services = services;
        this.executor = executor;
    }

    /** A placement pass soon, off the caller's thread (a request should not wait for it). */
    public void placeSoon() {
        executor.execute(() -> {
            try {
                placeAll();
            } catch (RuntimeException e) {
                LOG.warn("instance placement failed: {}", e.toString());
            }
        });
    }

    /** Why the app has fewer instances than it wants, if placement is the reason. */
    public Optional<String> problem(String appGuid) {
        return Optional.ofNullable(problems.get(appGuid));
    }

    /** Live entries of {@link Channels#INSTANCES} for the app. */
    public List<InstanceStatus> instancesOf(String appGuid) {
        return instances().stream().filter(i -> i.appGuid().equals(appGuid)).toList();
    }

    /** Stops every instance of the app now (deleted, or restarted with new routes); placement starts what is due. */
    public synchronized void stopApp(String appGuid) {
        pending.keySet().removeIf(k -> k.startsWith(appGuid + "/"));
        problems.remove(appGuid);
        instancesOf(appGuid).stream().map(InstanceStatus::deaId).distinct().forEach(dea ->
                send(new InstanceOrder(dea, Action.STOP, appGuid, null, null, -1, null, null, 0, 0, null, null, null, null)));
    }

    /** One placement pass over every app. */
    public synchronized void placeAll() {
        if (!leading()) {
            return;
        }
        Map<String, List<InstanceStatus>> byApp = instances().stream()
                .collect(Collectors.groupingBy(InstanceStatus::appGuid));
        Map<String, DeaAdvertisement> deas = readAll(Channels.DEA_ADVERTISEMENTS, DeaAdvertisement.class).stream()
                .collect(Collectors.toMap(DeaAdvertisement::deaId, Function.identity(), (a, b) -> a));
        Map<String, Long> free = new HashMap<>();
        deas.values().forEach(d -> free.put(d.deaId(), d.memoryFreeMb()));
        Set<String> started = new HashSet<>();
        for (App app : apps.started()) {
            started.add(app.guid());
            if (app.dropletHash() != null) {
                place(app, byApp.getOrDefault(app.guid(), List.of()), deas, free);
            }
        }
        for (Map.Entry<String, List<InstanceStatus>> e : byApp.entrySet()) {
            if (!started.contains(e.getKey()) && e.getValue().stream().anyMatch(i -> i.state() != InstanceState.STOPPED)) {
                stopApp(e.getKey());
            }
        }
        pending.keySet().removeIf(k -> !started.contains(k.substring(0, k.indexOf('/'))));
        problems.keySet().retainAll(started);
    }

    private void place(App app, List<InstanceStatus> instances, Map<String, DeaAdvertisement> deas, Map<String, Long> free) {
        String version = app.dropletHash();
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
                stop(same.get(k));
            }
        }
        for (InstanceStatus crashed : instances) {
            if (crashed.state() == InstanceState.CRASHED && crashed.index() >= app.instances()) {
                stop(crashed); // scaled away: the DEA may forget it
            }
        }
        for (InstanceStatus old : live) {
            if (!version.equals(old.appVersion()) && (old.index() >= app.instances() || runningAt(current, old.index()))) {
                stop(old);
            }
        }

        Map<String, Long> perDea = live.stream().collect(Collectors.groupingBy(InstanceStatus::deaId, Collectors.counting()));
        String problem = null;
        long now = System.currentTimeMillis();
        // read once per app, and only when something starts
        Map<String, String> environment = null;
        String vcapServices = null;
        for (int index = 0; index < app.instances(); index++) {
            String key = app.guid() + "/" + index;
            if (current.containsKey(index)) {
                pending.remove(key);
                continue;
            }
            Pending p = pending.get(key);
            if (p != null && p.version().equals(version) && p.until() > now) {
                continue;
            }
            Optional<DeaAdvertisement> dea = deas.values().stream()
                    .filter(d -> free.getOrDefault(d.deaId(), 0L) >= app.memory())
                    .min(Comparator.comparingLong((DeaAdvertisement d) -> perDea.getOrDefault(d.deaId(), 0L))
                            .thenComparing(d -> -free.getOrDefault(d.deaId(), 0L))
                            .thenComparing(DeaAdvertisement::deaId));
            if (dea.isEmpty()) {
                problem = deas.isEmpty() ? NO_DEA : NO_MEMORY + " (" + app.memory() + " MB needed per instance)";
                continue;
            }
            String deaId = dea.get().deaId();
            if (environment == null) {
                environment = new HashMap<>(services.environment(app.guid()));
                environment.putAll(app.environment());
                vcapServices = services.vcapServices(app.guid());
            }
            send(new InstanceOrder(deaId, Action.START, app.guid(), app.name(), version, index, null,
                    blobBaseUrl + "/internal/v2/droplets/" + app.guid() + "/" + version, app.memory(), app.diskQuota(),
                    app.command(), routes.routesOf(app.guid()).stream().map(Route::uri).toList(), environment,
                    vcapServices));
            pending.put(key, new Pending(deaId, version, now + START_GRACE.toMillis()));
            free.merge(deaId, -(long) app.memory(), Long::sum);
            perDea.merge(deaId, 1L, Long::sum);
        }
        report(app.guid(), problem);
    }

    private static boolean runningAt(Map<Integer, List<InstanceStatus>> current, int index) {
        return current.getOrDefault(index, List.of()).stream().anyMatch(i -> i.state() == InstanceState.RUNNING);
    }

    private void report(String appGuid, String problem) {
        String before = problem == null ? problems.remove(appGuid) : problems.put(appGuid, problem);
        if (problem != null && !problem.equals(before)) {
            logs.add(new LogLine(appGuid, System.currentTimeMillis(), "API", -1, "stderr",
                    "Cannot start all instances: " + problem));
        }
    }

    private void stop(InstanceStatus i) {
        send(new InstanceOrder(i.deaId(), Action.STOP, i.appGuid(), null, i.appVersion(), i.index(), i.instanceId(),
                null, 0, 0, null, null, null, null));
    }

    private void send(InstanceOrder order) {
        shared.topic(Channels.DEA_ORDERS).publish(Json.write(order));
    }

    private List<InstanceStatus> instances() {
        return readAll(Channels.INSTANCES, InstanceStatus.class);
    }

    private <T> List<T> readAll(String map, Class<T> type) {
        return shared.map(map).entries().values().stream().flatMap(json -> {
            try {
                return Stream.of(Json.read(json, type));
            } catch (IllegalArgumentException e) {
                return Stream.empty();
            }
        }).toList();
    }

    /** Whether this controller is the one that places; the claim lives as long as it is refreshed. */
    private boolean leading() {
        SharedMap leader = shared.map(LEADER_MAP);
        Optional<String> holder = leader.putIfAbsent("leader", nodeId, Channels.OWNED_TTL);
        if (holder.isEmpty()) {
            return true;
        }
        if (holder.get().equals(nodeId)) {
            leader.put("leader", nodeId, Channels.OWNED_TTL);
            return true;
        }
        return false;
    }

    /** Gives the placement role up, so another controller takes it at once. */
    public void close() {
        shared.map(LEADER_MAP).remove("leader", nodeId);
    }
}
