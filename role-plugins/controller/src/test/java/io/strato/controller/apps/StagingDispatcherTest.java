package io.strato.controller.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strato.api.app.Channels;
import io.strato.api.app.StagerAdvertisement;
import io.strato.api.app.StagingEvent;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.SharedState;
import io.strato.api.cluster.Topic;
import io.strato.api.json.Json;
import io.strato.api.sandbox.UidRange;
import io.strato.controller.ControllerSchema;
import io.strato.controller.DerbyDatabase;
import io.strato.controller.Sql;
import io.strato.controller.blob.BlobStore;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The periodic check and the stager's report racing for the same task. */
class StagingDispatcherTest {

    private final LocalSharedState shared = new LocalSharedState();
    private final Path dir = Path.of("target", "fixtures", UUID.randomUUID().toString());
    private DerbyDatabase database;
    private volatile Runnable whileTickChecksStagers = () -> { };

    @BeforeEach
    void setUp() throws Exception {
        database = new DerbyDatabase(dir.resolve("db"));
        ControllerSchema.apply(database);
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
        AppStore apps = new AppStore(new Sql(database.dataSource()));
        BlobStore blobs = new BlobStore(database, dir.resolve("blobs"));
        shared.map(Channels.STAGER_ADVERTISEMENTS).put("stager-1",
                Json.write(new StagerAdvertisement("stager-1", "stager-node", 0)), Duration.ofMinutes(1));
        long now = System.currentTimeMillis();
        App created = new App(UUID.randomUUID().toString(), "web", ControllerSchema.DEFAULT_SPACE_GUID, 256, 1, 1024,
                App.STARTED, null, null, "{}", "p1", now, App.PENDING, null, null, null, null, null, null, "v1", now, now, 0);
        apps.create(created);
        new AppUids(new Sql(database.dataSource()), UidRange.DEFAULT).assign(created.guid());
        App app = apps.find(created.guid()).orElseThrow();
        StagingDispatcher staging = new StagingDispatcher(racing(), apps, blobs, new LogBuffer(shared),
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
}
