package io.strato.role.healthmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.app.AppEvent;
import io.strato.api.app.AppHealth;
import io.strato.api.app.Channels;
import io.strato.api.app.DeaAdvertisement;
import io.strato.api.app.DesiredApp;
import io.strato.api.app.InstanceOrder;
import io.strato.api.app.InstanceOrder.Action;
import io.strato.api.app.InstanceState;
import io.strato.api.app.InstanceStatus;
import io.strato.api.app.RouteEntry;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.json.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the health manager orders, given desired apps, DEA advertisements and instance reports. */
class HealthManagerTest {

    private static final Duration LONG = Duration.ofMinutes(5);
    private static final HealthSettings SETTINGS = new HealthSettings(Duration.ofSeconds(1), Duration.ofSeconds(7), 3,
            Duration.ofSeconds(30), Duration.ofMinutes(16), Duration.ofMinutes(5), Duration.ofSeconds(30));

    private LocalSharedState shared;
    private final AtomicLong wall = new AtomicLong(1_700_000_000_000L);
    private final AtomicLong mono = new AtomicLong(0);
    private final Map<String, Long> deaBeats = new java.util.HashMap<>();
    private HealthManager hm;
    private final List<InstanceOrder> orders = new CopyOnWriteArrayList<>();
    private final List<AppEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        shared = new LocalSharedState();
        shared.topic(Channels.DEA_ORDERS).subscribe(m -> orders.add(Json.read(m, InstanceOrder.class)));
        shared.topic(Channels.APP_EVENTS).subscribe(m -> events.add(Json.read(m, AppEvent.class)));
        hm = manager("node-1");
    }

    @AfterEach
    void tearDown() {
        shared.close();
    }

    private HealthManager manager(String nodeId) {
        return new HealthManager(shared, nodeId, SETTINGS, wall::get, mono::get);
    }

    private DesiredApp app(String guid, long memory, int instances, String version) {
        DesiredApp d = new DesiredApp(guid, "name-" + guid, version, instances, "http://cc/droplets/" + guid + "/h1",
                memory, 1024, null, List.of(guid + ".example.com"), Map.of("MODE", "prod"), "{}", uidOf(guid));
        shared.map(Channels.DESIRED_APPS).put(guid, Json.write(d));
        return d;
    }

    /** A uid per app, as the controller hands them out. */
    private static int uidOf(String guid) {
        return 20000 + Math.floorMod(guid.hashCode(), 10000);
    }

    /** A DEA heartbeat: a new advertisement, as a DEA writes one every few seconds. */
    private void dea(String id, long freeMb) {
        long beat = deaBeats.merge(id, 1L, Long::sum);
        shared.map(Channels.DEA_ADVERTISEMENTS).put(id, Json.write(new DeaAdvertisement(id, id, "10.0.0.1", 8192,
                freeMb, 0, beat)), LONG);
    }

    private InstanceStatus report(InstanceOrder start, String id, InstanceState state) {
        InstanceStatus s = new InstanceStatus(id, start.appGuid(), start.appVersion(), start.index(), state,
                start.deaId(), "10.0.0.1", 61000 + start.index(), start.memoryMb(), wall.get(),
                state == InstanceState.CRASHED ? 137 : null, state == InstanceState.CRASHED ? "killed" : null);
        shared.map(Channels.INSTANCES).put(id, Json.write(s), LONG);
        return s;
    }

    private List<InstanceOrder> take(Action action) {
        List<InstanceOrder> out = orders.stream().filter(o -> o.action() == action).toList();
        orders.clear();
        return out;
    }

    private Optional<AppHealth> health(String guid) {
        return shared.map(Channels.APP_HEALTH).get(guid).map(j -> Json.read(j, AppHealth.class));
    }

    private void later(Duration d) {
        wall.addAndGet(d.toMillis());
        mono.addAndGet(d.toMillis());
    }

    @Test
    void instancesStartOnTheDeaWithMostFreeMemoryAndSpread() {
        dea("small", 1024);
        dea("big", 4096);
        DesiredApp a = app("spread", 256, 2, "v1");
        hm.pass();
        List<InstanceOrder> starts = take(Action.START);
        assertEquals(2, starts.size());
        assertEquals("big", starts.get(0).deaId());
        assertEquals("small", starts.get(1).deaId(), "the second instance goes to a DEA not yet running the app");
        InstanceOrder first = starts.get(0);
        assertEquals(a.appGuid(), first.appGuid());
        assertEquals("v1", first.appVersion());
        assertEquals(256, first.memoryMb());
        assertEquals(a.dropletUrl(), first.dropletUrl());
        assertEquals("prod", first.environment().get("MODE"));
        assertEquals(List.of("spread.example.com"), first.uris());
        assertEquals(a.appUid(), first.appUid(), "the instance runs as the app's own uid");
        assertEquals(a.appUid(), starts.get(1).appUid());
        hm.pass();
        assertEquals(List.of(), take(Action.START), "a START is not repeated while the instance is on its way");
    }

    @Test
    void noDeaIsSentMoreThanItAdvertises() {
        dea("d", 1000);
        app("a", 400, 1, "v1");
        app("b", 400, 1, "v1");
        app("c", 400, 1, "v1");
        hm.pass();
        assertEquals(2, take(Action.START).size());
        hm.pass();
        assertEquals(List.of(), take(Action.START), "starts on their way still hold their memory");
        long withProblem = List.of("a", "b", "c").stream().filter(g -> health(g).map(h -> h.problem() != null).orElse(false)).count();
        assertEquals(1, withProblem);
    }

    @Test
    void anAppThatFitsNowhereSaysSoUntilADeaWithRoomComes() {
        dea("tiny", 128);
        app("huge", 512, 1, "v1");
        hm.pass();
        assertEquals(List.of(), take(Action.START));
        assertEquals("insufficient memory on all DEAs (512 MB needed per instance)", health("huge").orElseThrow().problem());
        dea("roomy", 2048);
        hm.pass();
        assertEquals("roomy", take(Action.START).get(0).deaId());
        assertTrue(health("huge").isEmpty(), "the problem is gone once the instance is placed");
    }

    @Test
    void withoutDeasTheAppSaysSo() {
        app("lonely", 128, 1, "v1");
        hm.pass();
        assertEquals(Placer.NO_DEA, health("lonely").orElseThrow().problem());
    }

    @Test
    void scalingDownStopsTheExtraIndexes() {
        dea("d", 4096);
        app("scale", 128, 3, "v1");
        hm.pass();
        for (InstanceOrder s : take(Action.START)) {
            report(s, "i" + s.index(), InstanceState.RUNNING);
        }
        app("scale", 128, 1, "v1");
        hm.pass();
        assertEquals(List.of("i1", "i2"), take(Action.STOP).stream().map(InstanceOrder::instanceId).sorted().toList());
        hm.pass();
        assertEquals(List.of(), take(Action.STOP), "a STOP is not repeated while it is on its way");
    }

    @Test
    void instancesOfAppsNoLongerDesiredAreStopped() {
        dea("d", 4096);
        DesiredApp a = app("stopme", 128, 1, "v1");
        hm.pass();
        report(take(Action.START).get(0), "i0", InstanceState.RUNNING);
        shared.map(Channels.DESIRED_APPS).remove(a.appGuid());
        hm.pass();
        List<InstanceOrder> stops = take(Action.STOP);
        assertEquals(1, stops.size());
        assertEquals(-1, stops.get(0).index(), "every instance of the app on that DEA");
        assertEquals(a.appGuid(), stops.get(0).appGuid());
        assertEquals(0, stops.get(0).appUid(), "a STOP names no uid");
    }

    @Test
    void aNewVersionReplacesOldInstancesOnceTheNewOnesRun() {
        dea("d", 4096);
        app("rolling", 128, 1, "v1");
        hm.pass();
        report(take(Action.START).get(0), "old", InstanceState.RUNNING);
        app("rolling", 128, 1, "v2");
        hm.pass();
        List<InstanceOrder> starts = take(Action.START);
        assertEquals(1, starts.size());
        assertEquals("v2", starts.get(0).appVersion());
        assertEquals(List.of(), take(Action.STOP), "the old instance runs until the new one does");
        report(starts.get(0), "new", InstanceState.RUNNING);
        hm.pass();
        List<InstanceOrder> stops = take(Action.STOP);
        assertEquals(List.of("old"), stops.stream().map(InstanceOrder::instanceId).toList());
    }

    @Test
    void duplicatesOfAnIndexAreStoppedKeepingTheRunningOne() {
        dea("d", 4096);
        app("dup", 128, 1, "v1");
        hm.pass();
        InstanceOrder start = take(Action.START).get(0);
        report(start, "first", InstanceState.RUNNING);
        later(Duration.ofSeconds(1));
        report(start, "second", InstanceState.STARTING);
        hm.pass();
        assertEquals(List.of("second"), take(Action.STOP).stream().map(InstanceOrder::instanceId).toList());
    }

    @Test
    void crashesRestartAtOnceThenBackOffAndTheAppFlaps() {
        dea("d", 4096);
        DesiredApp a = app("crashy", 128, 1, "v1");
        hm.pass();
        InstanceOrder start = take(Action.START).get(0);
        for (int crash = 1; crash <= 3; crash++) {
            report(start, "c" + crash, InstanceState.CRASHED);
            hm.pass();
            List<InstanceOrder> again = take(Action.START);
            assertEquals(1, again.size(), "crash " + crash + " restarts at once");
            assertTrue(health(a.appGuid()).isEmpty(), "not flapping after " + crash + " crashes");
            shared.map(Channels.INSTANCES).remove("c" + crash);
            start = again.get(0);
        }
        report(start, "c4", InstanceState.CRASHED);
        hm.pass();
        assertEquals(List.of(), take(Action.START), "the fourth crash waits");
        AppHealth h = health(a.appGuid()).orElseThrow();
        assertEquals(1, h.flapping().size());
        assertEquals(0, h.flapping().get(0).index());
        assertEquals(4, h.flapping().get(0).crashes());
        assertEquals(wall.get() + 30_000, h.flapping().get(0).nextRestartAt());

        later(Duration.ofSeconds(29));
        dea("d", 4096);
        hm.pass();
        assertEquals(List.of(), take(Action.START));
        later(Duration.ofSeconds(2));
        dea("d", 4096);
        hm.pass();
        start = take(Action.START).get(0);
        report(start, "c5", InstanceState.CRASHED);
        hm.pass();
        assertEquals(wall.get() + 60_000, health(a.appGuid()).orElseThrow().flapping().get(0).nextRestartAt(),
                "the delay doubles");

        assertEquals(List.of("c1", "c2", "c3", "c4", "c5"), events.stream().map(AppEvent::instanceId).toList());
        AppEvent e = events.get(0);
        assertEquals(AppEvent.CRASH, e.type());
        assertEquals(a.appGuid(), e.appGuid());
        assertEquals(0, e.index());
        assertEquals(137, e.exitStatus());
        assertEquals("killed", e.reason());
    }

    @Test
    void anIndexThatRunsSteadilyIsForgiven() {
        dea("d", 4096);
        DesiredApp a = app("mended", 128, 1, "v1");
        hm.pass();
        InstanceOrder start = take(Action.START).get(0);
        for (int crash = 1; crash <= 4; crash++) {
            report(start, "c" + crash, InstanceState.CRASHED);
            hm.pass();
            shared.map(Channels.INSTANCES).remove("c" + crash);
            later(Duration.ofMinutes(20));
            dea("d", 4096);
            hm.pass();
            start = take(Action.START).get(0);
        }
        assertTrue(health(a.appGuid()).isPresent(), "flapping after 4 crashes");
        report(start, "steady", InstanceState.RUNNING);
        later(Duration.ofMinutes(6));
        dea("d", 4096);
        hm.pass();
        assertTrue(health(a.appGuid()).isEmpty(), "no longer flapping once it ran for the steady time");
    }

    @Test
    void aLostDeaLosesItsRoutesAtOnceAndItsInstancesMove() {
        dea("a", 4096);
        dea("b", 2048);
        DesiredApp app = app("phoenix", 128, 1, "v1");
        hm.pass();
        InstanceOrder start = take(Action.START).get(0);
        assertEquals("a", start.deaId());
        InstanceStatus running = report(start, "i0", InstanceState.RUNNING);
        RouteEntry route = new RouteEntry("phoenix.example.com", "10.0.0.1", running.port(), app.appGuid(), "i0", 0);
        RouteEntry other = new RouteEntry("other.example.com", "10.0.0.2", 61001, "x", "elsewhere", 0);
        shared.map(Channels.ROUTES).put(route.key(), Json.write(route), LONG);
        shared.map(Channels.ROUTES).put(other.key(), Json.write(other), LONG);

        later(Duration.ofSeconds(4));
        dea("b", 2048); // b keeps beating, a has gone quiet
        hm.pass();
        assertEquals(List.of(), take(Action.START), "4 s of silence is not lost yet");
        assertTrue(shared.map(Channels.ROUTES).get(route.key()).isPresent());

        later(Duration.ofSeconds(4));
        dea("b", 2048);
        hm.pass();
        assertFalse(shared.map(Channels.ROUTES).get(route.key()).isPresent(), "its route is gone at once");
        assertTrue(shared.map(Channels.ROUTES).get(other.key()).isPresent(), "other routes stay");
        assertFalse(shared.map(Channels.INSTANCES).get("i0").isPresent());
        List<InstanceOrder> moved = take(Action.START);
        assertEquals(1, moved.size());
        assertEquals("b", moved.get(0).deaId());
        assertEquals(0, moved.get(0).index());
    }

    @Test
    void aDeaWhoseNodeTheClusterDroppedIsLostAtOnceAndUsedAgainWhenItIsBack() {
        dea("a", 4096);
        dea("b", 2048);
        app("phoenix", 128, 1, "v1");
        hm.pass();
        InstanceOrder start = take(Action.START).get(0);
        assertEquals("a", start.deaId());
        report(start, "i0", InstanceState.RUNNING);
        later(Duration.ofSeconds(1));
        hm.pass();
        assertEquals(List.of(), take(Action.START));

        later(Duration.ofSeconds(1));
        hm.nodeChanged("a", false); // its advertisement is two seconds old: only the cluster knows it is gone
        hm.pass();
        List<InstanceOrder> moved = take(Action.START);
        assertEquals(1, moved.size(), "replaced without waiting for the advertisement to go stale");
        assertEquals("b", moved.get(0).deaId());
        assertFalse(shared.map(Channels.INSTANCES).get("i0").isPresent());

        later(Duration.ofSeconds(1));
        hm.nodeChanged("a", true);
        dea("a", 4096);
        app("second", 128, 1, "v1");
        hm.pass();
        assertEquals("a", take(Action.START).get(0).deaId(), "a is back and has the most free memory");
    }

    @Test
    void aDeaThatComesBackIsUsedAgain() {
        dea("a", 4096);
        dea("b", 4096);
        app("first", 128, 1, "v1");
        hm.pass();
        take(Action.START);
        later(Duration.ofSeconds(8));
        dea("b", 4096);
        hm.pass(); // a is lost
        later(Duration.ofSeconds(1));
        dea("a", 4096);
        dea("b", 2048);
        app("second", 128, 1, "v1");
        hm.pass();
        assertEquals("a", take(Action.START).get(0).deaId(), "a is back and has the most free memory");
    }

    @Test
    void exactlyOneHealthManagerActsAndAnotherTakesOverWhenItStops() {
        HealthManager other = manager("node-2");
        dea("d", 4096);
        app("one", 128, 1, "v1");
        hm.pass();
        other.pass();
        assertTrue(hm.acting());
        assertFalse(other.acting());
        assertEquals(1, take(Action.START).size(), "only the acting one orders");
        hm.close();
        app("two", 128, 1, "v1");
        other.pass();
        assertTrue(other.acting());
        assertEquals(List.of("two"), take(Action.START).stream().map(InstanceOrder::appGuid).filter("two"::equals).toList());
        assertNotEquals(hm.acting(), other.acting());
    }

    @Test
    void anotherTakesOverAtOnceWhenTheActingOnesNodeIsGone() {
        HealthManager other = manager("node-2");
        dea("d", 4096);
        hm.pass();
        other.pass();
        assertTrue(hm.acting());
        other.pass();
        assertFalse(other.acting(), "the lease is held and has not expired");
        other.nodeChanged("node-1", false); // the cluster dropped node-1; its lease entry is still alive
        app("two", 128, 1, "v1");
        other.pass();
        assertTrue(other.acting());
        assertEquals(List.of("two"), take(Action.START).stream().map(InstanceOrder::appGuid).toList());
    }
}
