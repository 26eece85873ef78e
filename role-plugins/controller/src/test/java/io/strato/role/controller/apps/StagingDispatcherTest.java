package io.strato.role.controller.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.app.Channels;
import io.strato.api.app.StagerAdvertisement;
import io.strato.api.app.StagingEvent;
import io.strato.api.app.StagingRequest;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.SharedState;
import io.strato.api.cluster.Topic;
import io.strato.api.json.Json;
import io.strato.api.sandbox.UidRange;
import io.strato.role.controller.ControllerSchema;
import io.strato.role.controller.Sql;
import io.strato.role.controller.blob.BlobStore;
import io.strato.testkit.DerbyDatabase;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The periodic check and the stager's report racing for the same task. */
class StagingDispatcherTest {

    private final LocalSharedState shared = new LocalSharedState();
    private final Path dir = Path.of("target", "fixtures", UUID.randomUUID().toString());
    private DerbyDatabase database;
    private AppStore apps;
    private BlobStore blobs;
    private volatile Runnable whileTickChecksStagers = () -> { };

    @BeforeEach
    void setUp() throws Exception {
        database = new DerbyDatabase(dir.resolve("db"));
        ControllerSchema.apply(database);
        apps = new AppStore(new Sql(database.dataSource()));
        blobs = new BlobStore(database, dir.resolve("blobs"));
    }

    @AfterEach
    void tearDown() {
        shared.close();
        database.close();
    }

    /** The shared state, except that tick's look at the stagers runs {@link #whileTickChecksStagers} first. */
    private SharedState racing() {
        return new SharedState() {
            @Override
            public SharedMap map(String name) {
                SharedMap real = shared.map(name);
                if (!name.equals(Channels.STAGER_ADVERTISEMENTS)) {
                    return real;
                }
                return (SharedMap) Proxy.newProxyInstance(SharedMap.class.getClassLoader(), new Class<?>[]{SharedMap.class},
                        (proxy, method, args) -> method.getName().equals("entries") ? stagersRacing(real)
                                : method.invoke(real, args));
            }

            @Override
            public Topic topic(String name) {
                return shared.topic(name);
            }
        };
    }

    /** A live view, so a stager that left during the hook is gone. */
    private Map<String, String> stagersRacing(SharedMap real) {
        return new AbstractMap<>() {
            @Override
            public boolean containsKey(Object key) {
                whileTickChecksStagers.run();
                return real.entries().containsKey(key);
            }

            @Override
            public Set<Entry<String, String>> entrySet() {
                return real.entries().entrySet();
            }
        };
    }

    @Test
    void aTaskThatSucceedsWhileTickFindsItsStagerGoneStaysStaged() throws Exception {
        shared.map(Channels.STAGER_ADVERTISEMENTS).put("stager-1",
                Json.write(new StagerAdvertisement("stager-1", "stager-node", 0)), Duration.ofMinutes(1));
        long now = System.currentTimeMillis();
        App created = new App(UUID.randomUUID().toString(), "web", ControllerSchema.DEFAULT_SPACE_GUID, 256, 1, 1024,
                App.STARTED, null, null, "{}", "p1", now, App.PENDING, null, null, null, null, null, null, "v1", now, now, 0);
        apps.create(created);
        new AppUids(new Sql(database.dataSource()), UidRange.DEFAULT).assign(created.guid());
        App app = apps.find(created.guid()).orElseThrow();
        StagingDispatcher staging = new StagingDispatcher(racing(), "node-a", apps, blobs, new LogBuffer(shared),
                guid -> { });
        String task = staging.stageIfNeeded(app).orElseThrow();
        String droplet = blobs.storeDroplet(app.guid(), new ByteArrayInputStream("droplet".getBytes(StandardCharsets.UTF_8)));

        // the stager reports success and leaves, just after tick took the task from its list
        whileTickChecksStagers = () -> {
            whileTickChecksStagers = () -> { };
            shared.topic(Channels.STAGING_EVENTS).publish(Json.write(
                    StagingEvent.succeeded(task, app.guid(), droplet, "node app.js", "node")));
            shared.map(Channels.STAGER_ADVERTISEMENTS).remove("stager-1");
        };
        staging.tick();

        App after = apps.find(app.guid()).orElseThrow();
        assertEquals(App.STAGED, after.packageState());
        assertEquals(droplet, after.dropletHash());
        staging.close();
    }

    private final List<StagingRequest> requests = new CopyOnWriteArrayList<>();

    private void advertise(String stagerId, String node, int busy) {
        shared.map(Channels.STAGER_ADVERTISEMENTS).put(stagerId, Json.write(new StagerAdvertisement(stagerId, node, busy)),
                Duration.ofMinutes(1));
    }

    private App stagedApp() {
        long now = System.currentTimeMillis();
        App created = new App(UUID.randomUUID().toString(), "web", ControllerSchema.DEFAULT_SPACE_GUID, 256, 1, 1024,
                App.STARTED, null, null, "{}", "p1", now, App.PENDING, null, null, null, null, null, null, "v1", now, now, 0);
        apps.create(created);
        new AppUids(new Sql(database.dataSource()), UidRange.DEFAULT).assign(created.guid());
        return apps.find(created.guid()).orElseThrow();
    }

    private StagingDispatcher dispatcher() {
        return dispatcher("node-a", guid -> { });
    }

    private StagingDispatcher dispatcher(String controller, Consumer<String> onStaged) {
        if (requests.isEmpty() && !subscribed) {
            subscribed = true;
            shared.topic(Channels.STAGING_REQUESTS).subscribe(m -> requests.add(Json.read(m, StagingRequest.class)));
        }
        return new StagingDispatcher(shared, controller, apps, blobs, new LogBuffer(shared), onStaged);
    }

    private boolean subscribed;

    private static String text(StagingDispatcher staging, String task) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        StagingLog log = staging.log(task).orElseThrow();
        if (log.done()) {
            log.stream(out);
        } else {
            log.stream(out, Duration.ofMillis(10), Duration.ofMillis(50));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTaskWhoseStagerLeavesIsStagedAgainOnAnotherAndTheLateOutcomeOfTheFirstIsIgnored() throws Exception {
        advertise("stager-3", "node-3", 0);
        advertise("stager-2", "node-2", 4);
        advertise("stager-4", "node-4", 9);
        App app = stagedApp();
        StagingDispatcher staging = dispatcher();
        String task = staging.stageIfNeeded(app).orElseThrow();
        assertEquals("stager-3", requests.get(0).stagerId());
        assertEquals("/internal/v2/packages/" + app.guid(), requests.get(0).packageUrl(), "a path any controller serves");
        assertEquals(1, requests.get(0).attempt());

        shared.map(Channels.STAGER_ADVERTISEMENTS).remove("stager-3");
        staging.tick();

        assertEquals(2, requests.size());
        assertEquals("stager-2", requests.get(1).stagerId(), "the least busy of the stagers left");
        assertEquals(task, requests.get(1).taskId(), "the same task: the client's staging log goes on");
        assertEquals(2, requests.get(1).attempt());
        assertEquals(App.PENDING, apps.find(app.guid()).orElseThrow().packageState());
        assertTrue(text(staging, task).contains("Stager on node-3 left during staging; staging again on node-2"),
                text(staging, task));

        // the first stager comes back late with a droplet: it is no longer the task's
        String late = blobs.storeDroplet(app.guid(), new ByteArrayInputStream("late".getBytes(StandardCharsets.UTF_8)));
        shared.topic(Channels.STAGING_EVENTS).publish(Json.write(
                StagingEvent.log(task, app.guid(), "from the first stager").ofAttempt(1)));
        shared.topic(Channels.STAGING_EVENTS).publish(Json.write(
                StagingEvent.succeeded(task, app.guid(), late, "late", "node").ofAttempt(1)));
        assertEquals(App.PENDING, apps.find(app.guid()).orElseThrow().packageState());
        assertFalse(text(staging, task).contains("from the first stager"));

        String droplet = stagerSucceeds(app, task, 2);
        App after = apps.find(app.guid()).orElseThrow();
        assertEquals(App.STAGED, after.packageState());
        assertEquals(droplet, after.dropletHash());
        assertTrue(text(staging, task).endsWith("Staging succeeded\n"), text(staging, task));

        // and a failure of the first attempt arriving after all changes nothing
        shared.topic(Channels.STAGING_EVENTS).publish(Json.write(StagingEvent.failed(task, app.guid(), "late").ofAttempt(1)));
        assertEquals(App.STAGED, apps.find(app.guid()).orElseThrow().packageState());
        staging.close();
    }

    @Test
    void whenNoOtherStagerIsLeftTheTaskFailsSayingSo() throws Exception {
        advertise("stager-3", "node-3", 0);
        App app = stagedApp();
        StagingDispatcher staging = dispatcher();
        String task = staging.stageIfNeeded(app).orElseThrow();

        shared.map(Channels.STAGER_ADVERTISEMENTS).remove("stager-3");
        staging.tick();

        App after = apps.find(app.guid()).orElseThrow();
        assertEquals(App.FAILED, after.packageState());
        assertEquals("the stager on node-3 left during staging, and no other stager is available",
                after.stagingFailedReason());
        assertEquals(1, requests.size());
        staging.close();
    }

    @Test
    void aTaskIsSentToThreeStagersAtMost() throws Exception {
        for (int i = 1; i <= 4; i++) {
            advertise("stager-" + i, "node-" + i, i);
        }
        App app = stagedApp();
        StagingDispatcher staging = dispatcher();
        staging.stageIfNeeded(app).orElseThrow();
        for (int i = 0; i < 3; i++) {
            shared.map(Channels.STAGER_ADVERTISEMENTS).remove(requests.get(requests.size() - 1).stagerId());
            staging.tick();
        }

        assertEquals(3, requests.size());
        App after = apps.find(app.guid()).orElseThrow();
        assertEquals(App.FAILED, after.packageState());
        assertTrue(after.stagingFailedReason().contains("sent to 3 stagers already"), after.stagingFailedReason());
        staging.close();
    }

    @Test
    void aStagerThatStopsHandsTheTaskToAnother() throws Exception {
        advertise("stager-3", "node-3", 0);
        advertise("stager-2", "node-2", 1);
        App app = stagedApp();
        StagingDispatcher staging = dispatcher();
        String task = staging.stageIfNeeded(app).orElseThrow();

        // it says so before its advertisement is gone
        shared.topic(Channels.STAGING_EVENTS).publish(Json.write(
                StagingEvent.abandoned(task, app.guid(), "the stager stopped while staging").ofAttempt(1)));

        assertEquals(2, requests.size());
        assertEquals("stager-2", requests.get(1).stagerId());
        assertEquals(App.PENDING, apps.find(app.guid()).orElseThrow().packageState());
        assertTrue(text(staging, task).contains("Stager on node-3 stopped during staging; staging again on node-2"));
        staging.close();
    }

    /** Controller node-a started the task; node-b lives on. */
    private final List<String> stagedAtB = new CopyOnWriteArrayList<>();

    /** What a stager does when a task worked: stores the droplet and tells the cluster; returns the droplet's hash. */
    private String stagerSucceeds(App app, String task, int attempt) throws Exception {
        String droplet = blobs.storeDroplet(app.guid(), new ByteArrayInputStream(("droplet " + attempt).getBytes(StandardCharsets.UTF_8)));
        shared.topic(Channels.STAGING_EVENTS).publish(Json.write(
                StagingEvent.succeeded(task, app.guid(), droplet, "node app.js", "node").ofAttempt(attempt)));
        return droplet;
    }

    private void alive(String controller) {
        shared.map(Channels.BLOBSTORE).put(controller, "http://" + controller + ":8181", Duration.ofMinutes(1));
    }

    @Test
    void anOutcomeWhoseControllerIsGoneIsRecordedByAnotherOnce() throws Exception {
        advertise("stager-1", "node-3", 0);
        alive("node-a");
        alive("node-b");
        App app = stagedApp();
        StagingDispatcher a = dispatcher("node-a", guid -> { });
        StagingDispatcher b = dispatcher("node-b", stagedAtB::add);
        StagingDispatcher c = dispatcher("node-c", stagedAtB::add);
        String task = a.stageIfNeeded(app).orElseThrow();

        // node-a dies during staging: it hears nothing more, and its entry expires
        a.close();
        shared.map(Channels.BLOBSTORE).remove("node-a");
        String droplet = stagerSucceeds(app, task, 1);

        App after = apps.find(app.guid()).orElseThrow();
        assertEquals(App.STAGED, after.packageState());
        assertEquals(droplet, after.dropletHash());
        assertEquals("p1", after.dropletPackageHash(), "the package the task staged");
        assertEquals(List.of(app.guid()), stagedAtB, "published once, by the first of b and c to record it");
        b.close();
        c.close();
    }

    @Test
    void whileTheControllerThatStartedATaskLivesOnlyItRecordsTheOutcome() throws Exception {
        advertise("stager-1", "node-3", 0);
        alive("node-a");
        App app = stagedApp();
        List<String> stagedAtA = new CopyOnWriteArrayList<>();
        StagingDispatcher b = dispatcher("node-b", stagedAtB::add);
        StagingDispatcher a = dispatcher("node-a", stagedAtA::add);
        String task = a.stageIfNeeded(app).orElseThrow();
        // b hears the outcome first (it subscribed first) and leaves it to a
        String droplet = stagerSucceeds(app, task, 1);
        b.tick();

        assertEquals(App.STAGED, apps.find(app.guid()).orElseThrow().packageState());
        assertEquals(droplet, apps.find(app.guid()).orElseThrow().dropletHash());
        assertEquals(List.of(app.guid()), stagedAtA);
        assertTrue(stagedAtB.isEmpty(), "b recorded nothing");
        a.close();
        b.close();
    }

    @Test
    void aTaskItsStagerGaveUpAfterItsControllerLeftIsStagedAgainByAnother() throws Exception {
        advertise("stager-1", "node-3", 0);
        alive("node-b");
        App app = stagedApp();
        StagingDispatcher a = dispatcher("node-a", guid -> { });
        String task = a.stageIfNeeded(app).orElseThrow();
        a.close(); // node-a is gone: it never published itself as alive in this test
        StagingDispatcher b = dispatcher("node-b", stagedAtB::add);

        shared.topic(Channels.STAGING_EVENTS).publish(Json.write(
                StagingEvent.abandoned(task, app.guid(), "the stager stopped while staging").ofAttempt(1)));

        assertEquals(2, requests.size(), "staged again");
        String again = requests.get(1).taskId();
        assertFalse(again.equals(task), "as a new task of node-b");
        assertEquals(App.PENDING, apps.find(app.guid()).orElseThrow().packageState());
        String droplet = stagerSucceeds(app, again, 1);
        assertEquals(App.STAGED, apps.find(app.guid()).orElseThrow().packageState());
        assertEquals(droplet, apps.find(app.guid()).orElseThrow().dropletHash());
        assertEquals(List.of(app.guid()), stagedAtB);
        b.close();
    }
}
