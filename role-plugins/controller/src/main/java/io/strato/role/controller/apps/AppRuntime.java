package io.strato.role.controller.apps;

import io.strato.api.app.AppHealth;
import io.strato.api.app.Channels;
import io.strato.api.app.DesiredApp;
import io.strato.api.app.InstanceOrder;
import io.strato.api.app.InstanceStatus;
import io.strato.api.app.InstanceUsage;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.SharedState;
import io.strato.api.json.Json;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's side of running apps: it publishes each started, staged app's desired state to
 * {@link Channels#DESIRED_APPS} (the health manager makes the DEAs match it), and reads back what DEAs run and
 * what the health manager reports. Stopped, deleted and unstaged apps, and apps without a uid, have no entry, so
 * their instances stop.
 */
public final class AppRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(AppRuntime.class);

    private final SharedState shared;
    private final AppStore apps;
    private final RouteStore routes;
    private final BoundServices services;

    public AppRuntime(SharedState shared, AppStore apps, RouteStore routes, BoundServices services) {
        this.shared = shared;
        this.apps = apps;
        this.routes = routes;
        this.services = services;
    }

    /** Publishes the app's desired state as the store has it now (or its absence). */
    public void publish(String appGuid) {
        Optional<App> app = apps.find(appGuid);
        SharedMap desired = shared.map(Channels.DESIRED_APPS);
        if (app.isPresent() && runnable(app.get())) {
            desired.put(appGuid, Json.write(desiredOf(app.get())));
        } else {
            desired.remove(appGuid);
        }
    }

    /**
     * Publishes every app and removes entries of apps the store no longer has: on start (the map may have been
     * lost with the whole cluster, or kept while the controller was down) and now and then. Every controller does
     * this, and they write identical values for the same app. An entry another controller changed since it was
     * read here is left as that controller wrote it (it read the database later): compare-and-set, so a slow
     * round cannot put back an older state.
     */
    public void publishAll() {
        SharedMap desired = shared.map(Channels.DESIRED_APPS);
        Map<String, String> before = desired.entries();
        Set<String> wanted = new HashSet<>();
        for (App app : apps.started()) {
            if (runnable(app)) {
                String json = Json.write(desiredOf(app));
                wanted.add(app.guid());
                String was = before.get(app.guid());
                if (was == null) {
                    desired.put(app.guid(), json);
                } else if (!json.equals(was)) {
                    desired.replace(app.guid(), was, json);
                }
            }
        }
        before.forEach((guid, was) -> {
            if (!wanted.contains(guid)) {
                desired.remove(guid, was);
            }
        });
    }

    /**
     * Restarts the app's instances with what they are started with now (routes, services, memory, command):
     * a new version, which the health manager rolls out index by index.
     */
    public void restart(String appGuid) {
        apps.find(appGuid).ifPresent(app -> {
            apps.updateSettings(app.withVersion(UUID.randomUUID().toString()));
            LOG.info("App {} ({}) restarts with its new settings", app.name(), appGuid);
        });
        publish(appGuid);
    }

    /**
     * Stops the instances at one index; the health manager then starts a new one there, as the app still wants
     * it. @return how many instances were asked to stop
     */
    public int stopInstances(String appGuid, int index) {
        List<InstanceStatus> at = instancesOf(appGuid).stream().filter(i -> i.index() == index).toList();
        for (InstanceStatus i : at) {
            shared.topic(Channels.DEA_ORDERS).publish(Json.write(new InstanceOrder(i.deaId(), InstanceOrder.Action.STOP,
                    appGuid, null, null, index, i.instanceId(), null, 0, 0, null, null, null, null, 0)));
        }
        return at.size();
    }

    /** What DEAs report about the app's instances. */
    public List<InstanceStatus> instancesOf(String appGuid) {
        return shared.map(Channels.INSTANCES).values(InstanceStatus.class).stream()
                .filter(i -> i.appGuid().equals(appGuid)).toList();
    }

    /** What the health manager reports about the app: placement problem, flapping indexes. */
    public Optional<AppHealth> health(String appGuid) {
        try {
            return shared.map(Channels.APP_HEALTH).get(appGuid).map(json -> Json.read(json, AppHealth.class));
        } catch (IllegalArgumentException unreadable) {
            return Optional.empty();
        }
    }

    /** What a running instance uses, as its DEA last measured it (every few seconds). */
    public Optional<InstanceUsage> usage(String instanceId) {
        try {
            return shared.map(Channels.INSTANCE_USAGE).get(instanceId).map(json -> Json.read(json, InstanceUsage.class));
        } catch (IllegalArgumentException unreadable) {
            return Optional.empty();
        }
    }

    /** Started with a droplet, and with its own uid: app code never runs as any other user. */
    private static boolean runnable(App app) {
        return app.started() && app.dropletHash() != null && app.hasUid();
    }

    /**
     * Where DEAs fetch a droplet: a path, not one controller's URL, so that every controller publishes the same
     * desired state and a DEA can fetch from any live controller.
     */
    public static String dropletPath(String appGuid, String dropletHash) {
        return "/internal/v2/droplets/" + appGuid + "/" + dropletHash;
    }

    private DesiredApp desiredOf(App app) {
        Map<String, String> environment = new HashMap<>(services.environment(app.guid()));
        environment.putAll(app.environment());
        return new DesiredApp(app.guid(), app.name(), app.version(), app.instances(),
                dropletPath(app.guid(), app.dropletHash()), app.memory(),
                app.diskQuota(), app.command(), routes.routesOf(app.guid()).stream().map(Route::uri).toList(),
                environment, services.vcapServices(app.guid()), app.appUid());
    }

}
