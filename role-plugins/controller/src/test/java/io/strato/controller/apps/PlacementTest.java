package io.strato.controller.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.app.Channels;
import io.strato.api.app.DeaAdvertisement;
import io.strato.api.app.InstanceOrder;
import io.strato.api.app.InstanceOrder.Action;
import io.strato.api.app.InstanceState;
import io.strato.api.app.InstanceStatus;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.json.Json;
import io.strato.controller.ControllerSchema;
import io.strato.controller.DerbyDatabase;
import io.strato.controller.Sql;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Where instances go and which ones are stopped, given what DEAs offer and report. */
class PlacementTest {

    private static final BoundServices NO_SERVICES = new BoundServices() {
        @Override
        public Map<String, String> environment(String appGuid) {
            return Map.of();
        }

        @Override
        public String vcapServices(String appGuid) {
            return "{}";
        }
    };

    private DerbyDatabase database;
    private LocalSharedState shared;
    private AppStore apps;
    private RouteStore routes;
    private InstancePlacer placer;
    private final List<InstanceOrder> orders = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        database = new DerbyDatabase(Path.of("target", "fixtures", UUID.randomUUID().toString()));
        ControllerSchema.apply(database);
        Sql sql = new Sql(database.dataSource());
        apps = new AppStore(sql);
        routes = new RouteStore(sql);
        shared = new LocalSharedState();
        shared.topic(Channels.DEA_ORDERS).subscribe(m -> orders.add(Json.read(m, InstanceOrder.class)));
        placer = new InstancePlacer(shared, apps, routes, new LogBuffer(shared), "http://controller:8181", "node-1",
                NO_SERVICES, Runnable::run);
    }

    @AfterEach
    void tearDown() {
        shared.close();
        database.close();
    }

    private App app(String name, int memory, int instances, String droplet) {
        long now = System.currentTimeMillis();
        App a = new App(UUID.randomUUID().toString(), name, ControllerSchema.DEFAULT_SPACE_GUID, memory, instances, 1024,
                App.STARTED, null, null, "{\"MODE\":\"prod\"}", "p1", now, App.STAGED, "t1", null, droplet, "p1", "node app.js",
                "node", "v1", now, now);
        apps.create(a);
        return a;
    }

    private void dea(String id, long freeMb) {
        shared.map(Channels.DEA_ADVERTISEMENTS).put(id, Json.write(new DeaAdvertisement(id, id, "10.0.0." + id.length(),
                8192, freeMb, 0)), Duration.ofMinutes(1));
    }

    private InstanceStatus running(InstanceOrder start, String instanceId) {
        InstanceStatus s = new InstanceStatus(instanceId, start.appGuid(), start.appVersion(), start.index(),
                InstanceState.RUNNING, start.deaId(), "10.0.0.1", 61000 + start.index(), start.memoryMb(),
                System.currentTimeMillis(), null, null);
        shared.map(Channels.INSTANCES).put(instanceId, Json.write(s), Duration.ofMinutes(1));
        return s;
    }

    private List<InstanceOrder> take(Action action) {
        List<InstanceOrder> out = orders.stream().filter(o -> o.action() == action).toList();
        orders.clear();
        return out;
    }

    @Test
    void instancesStartOnTheDeaWithMostFreeMemoryAndSpread() {
        dea("small", 1024);
        dea("big", 4096);
        App a = app("spread", 256, 2, "d1");
        placer.placeAll();
        List<InstanceOrder> starts = take(Action.START);
        assertEquals(2, starts.size());
        assertEquals("big", starts.get(0).deaId());
        assertEquals("small", starts.get(1).deaId(), "the second instance goes to a DEA not yet running the app");
        InstanceOrder first = starts.get(0);
        assertEquals(a.guid(), first.appGuid());
        assertEquals("d1", first.appVersion());
        assertEquals(256, first.memoryMb());
        assertEquals("http://controller:8181/internal/v2/droplets/" + a.guid() + "/d1", first.dropletUrl());
        assertEquals("prod", first.environment().get("MODE"));
        assertEquals("{}", first.services());
        placer.placeAll();
        assertEquals(List.of(), take(Action.START), "a START is not repeated while the instance is on its way");
    }

    @Test
    void anAppThatFitsNowhereSaysSo() {
        dea("tiny", 128);
        App a = app("huge", 512, 1, "d1");
        placer.placeAll();
        assertEquals(List.of(), take(Action.START));
        assertTrue(placer.problem(a.guid()).orElse("").contains("insufficient memory on all DEAs"));
        dea("roomy", 2048);
        placer.placeAll();
        assertEquals("roomy", take(Action.START).get(0).deaId());
        assertTrue(placer.problem(a.guid()).isEmpty());
    }

    @Test
    void scalingDownStopsTheExtraIndexes() {
        dea("d", 4096);
        App a = app("scale", 128, 3, "d1");
        placer.placeAll();
        List<InstanceOrder> starts = take(Action.START);
        for (InstanceOrder s : starts) {
            running(s, "i" + s.index());
        }
        apps.updateSettings(a.withSettings(a.name(), a.spaceGuid(), 128, 1, 1024, App.STARTED, null, null, "{}", "v1"));
        placer.placeAll();
        List<InstanceOrder> stops = take(Action.STOP);
        assertEquals(List.of("i1", "i2"), stops.stream().map(InstanceOrder::instanceId).sorted().toList());
    }

    @Test
    void stoppingTheAppStopsAllItsInstances() {
        dea("d", 4096);
        App a = app("stopme", 128, 1, "d1");
        placer.placeAll();
        running(take(Action.START).get(0), "i0");
        apps.updateSettings(a.withSettings(a.name(), a.spaceGuid(), 128, 1, 1024, App.STOPPED, null, null, "{}", "v1"));
        placer.placeAll();
        List<InstanceOrder> stops = take(Action.STOP);
        assertEquals(1, stops.size());
        assertEquals(-1, stops.get(0).index());
        assertEquals(a.guid(), stops.get(0).appGuid());
    }

    @Test
    void aNewDropletReplacesOldInstancesOnceTheNewOnesRun() {
        dea("d", 4096);
        App a = app("rolling", 128, 1, "d1");
        placer.placeAll();
        running(take(Action.START).get(0), "old");
        String task = "t2";
        apps.stagingStarted(a.guid(), task);
        apps.staged(a.guid(), task, "p2", "d2", "node app.js", "node");
        placer.placeAll();
        List<InstanceOrder> starts = take(Action.START);
        assertEquals(1, starts.size());
        assertEquals("d2", starts.get(0).appVersion());
        assertEquals(List.of(), take(Action.STOP), "the old instance runs until the new one does");
        running(starts.get(0), "new");
        placer.placeAll();
        List<InstanceOrder> stops = take(Action.STOP);
        assertEquals(1, stops.size());
        assertEquals("old", stops.get(0).instanceId());
    }

    @Test
    void anInstanceThatVanishesIsStartedAgain() {
        dea("d1", 4096);
        dea("d2", 2048);
        App a = app("phoenix", 128, 1, "d1");
        placer.placeAll();
        InstanceOrder start = take(Action.START).get(0);
        running(start, "gone");
        placer.placeAll();
        assertEquals(List.of(), take(Action.START));
        shared.map(Channels.INSTANCES).remove("gone");
        shared.map(Channels.DEA_ADVERTISEMENTS).remove(start.deaId());
        placer.placeAll();
        List<InstanceOrder> again = take(Action.START);
        assertEquals(1, again.size());
        assertEquals(a.guid(), again.get(0).appGuid());
        assertEquals(0, again.get(0).index());
        assertTrue(!again.get(0).deaId().equals(start.deaId()));
    }

    @Test
    void instancesOfDeletedAppsAreStopped() {
        dea("d", 4096);
        App a = app("orphan", 128, 1, "d1");
        placer.placeAll();
        running(take(Action.START).get(0), "i0");
        apps.delete(a.guid());
        placer.placeAll();
        assertEquals(1, take(Action.STOP).size());
    }

    @Test
    void routesReachTheStartOrder() {
        dea("d", 4096);
        App a = app("routed", 128, 1, "d1");
        Route r = new Route(UUID.randomUUID().toString(), "shop", "dom", "apps.example", ControllerSchema.DEFAULT_SPACE_GUID, 1);
        routes.create(r);
        routes.map(a.guid(), r.guid());
        placer.placeAll();
        assertEquals(List.of("shop.apps.example"), take(Action.START).get(0).uris());
    }
}
