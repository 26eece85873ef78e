package io.strato.role.controller.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.sandbox.UidRange;
import io.strato.role.controller.ControllerSchema;
import io.strato.role.controller.Sql;
import io.strato.testkit.DerbyDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which uid each app runs as: one per app, from the range, never-used ones first, shared safely. */
class AppUidsTest {

    private final Path dir = Path.of("target", "fixtures", UUID.randomUUID().toString());
    private DerbyDatabase database;
    private Sql sql;
    private AppStore apps;

    @BeforeEach
    void setUp() throws Exception {
        database = new DerbyDatabase(dir.resolve("db"));
        ControllerSchema.apply(database);
        sql = new Sql(database.dataSource());
        apps = new AppStore(sql);
    }

    @AfterEach
    void tearDown() {
        database.close();
    }

    private String app(String name) {
        long now = System.currentTimeMillis();
        App app = new App(UUID.randomUUID().toString(), name, ControllerSchema.DEFAULT_SPACE_GUID, 256, 1, 1024,
                App.STOPPED, null, null, "{}", null, 0, App.PENDING, null, null, null, null, null, null, "v1", now, now, 0);
        apps.create(app);
        return app.guid();
    }

    private int uidOf(String guid) {
        return apps.find(guid).orElseThrow().appUid();
    }

    @Test
    void everyAppGetsItsOwnUidFromTheRange() {
        AppUids uids = new AppUids(sql, new UidRange(20000, 29999));
        int web = uids.assign(app("web"));
        int worker = uids.assign(app("worker"));
        assertNotEquals(web, worker);
        assertEquals(20000, web, "the first uid of the range");
        assertEquals(20001, worker);
    }

    @Test
    void anAppKeepsItsUid() {
        AppUids uids = new AppUids(sql, new UidRange(20000, 29999));
        String web = app("web");
        int uid = uids.assign(web);
        assertEquals(uid, uids.assign(web));
        assertEquals(uid, uidOf(web));
        assertEquals(0, uids.assign(UUID.randomUUID().toString()), "an app that does not exist gets none");
    }

    @Test
    void aDeletedAppsUidWaitsUntilNoNeverUsedUidIsLeftThenTheLowestFreeOneIsTaken() {
        AppUids uids = new AppUids(sql, new UidRange(20000, 20002));
        String a = app("a");
        String b = app("b");
        assertEquals(20000, uids.assign(a));
        assertEquals(20001, uids.assign(b));
        apps.delete(a);
        assertEquals(20002, uids.assign(app("c")), "a never-used uid before 20000, which a deleted app ran as");
        assertEquals(20000, uids.assign(app("d")), "the range is used up: the lowest free uid");
        apps.delete(b);
        assertEquals(20001, uids.assign(app("e")));
    }

    @Test
    void aFullRangeRefusesTheNextAppAndSaysWhy() {
        AppUids uids = new AppUids(sql, new UidRange(20000, 20001));
        uids.assign(app("a"));
        uids.assign(app("b"));
        String c = app("c");
        AppUids.RangeExhaustedException e = assertThrows(AppUids.RangeExhaustedException.class, () -> uids.assign(c));
        assertTrue(e.getMessage().contains("every app uid of the range 20000-20001 (2 uids) belongs to an app"),
                e.getMessage());
        assertTrue(e.getMessage().contains("widen the controller's appUidRange"), e.getMessage());
        assertEquals(0, uidOf(c));
    }

    @Test
    void theMarkSurvivesARestartSoUidsOfDeletedAppsStayUnused() {
        String a = app("a");
        assertEquals(20000, new AppUids(sql, new UidRange(20000, 29999)).assign(a));
        apps.delete(a);
        assertEquals(20001, new AppUids(sql, new UidRange(20000, 29999)).assign(app("b")),
                "a controller started later knows 20000 was handed out");
    }

    @Test
    void aMovedRangeStartsAtItsFirstUidAndAppsKeepTheirs() {
        String old = app("old");
        assertEquals(20000, new AppUids(sql, new UidRange(20000, 29999)).assign(old));
        AppUids higher = new AppUids(sql, new UidRange(40000, 40009));
        assertEquals(40000, higher.assign(app("new")));
        assertEquals(20000, uidOf(old));
        AppUids lower = new AppUids(sql, new UidRange(10000, 10009));
        assertEquals(10000, lower.assign(app("lower")), "below the mark: the lowest free uid");
        assertEquals(10001, lower.assign(app("lower2")));
    }

    @Test
    void appsFromBeforeUidsGetOneWhenTheControllerStarts() {
        String a = app("a");
        String b = app("b");
        AppUids uids = new AppUids(sql, new UidRange(20000, 29999));
        assertEquals(2, uids.assignMissing());
        assertEquals(Set.of(20000, 20001), Set.of(uidOf(a), uidOf(b)));
        assertEquals(0, uids.assignMissing());
    }

    @Test
    void twoControllersSharingTheDatabaseNeverHandOutTheSameUid() throws Exception {
        AppUids first = new AppUids(sql, new UidRange(20000, 20039));
        AppUids second = new AppUids(new Sql(database.dataSource()), new UidRange(20000, 20039));
        List<String> guids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            guids.add(app("app-" + i));
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < guids.size(); i++) {
                AppUids controller = i % 2 == 0 ? first : second;
                String guid = guids.get(i);
                Callable<Integer> assign = () -> {
                    go.await();
                    return controller.assign(guid);
                };
                results.add(pool.submit(assign));
            }
            go.countDown();
            Set<Integer> handedOut = new HashSet<>();
            for (Future<Integer> r : results) {
                int uid = r.get();
                assertTrue(uid >= 20000 && uid <= 20039, "in the range: " + uid);
                assertTrue(handedOut.add(uid), "handed out twice: " + uid);
            }
            assertEquals(40, handedOut.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoControllersRacingForRecycledUidsNeverShareOne() throws Exception {
        AppUids first = new AppUids(sql, new UidRange(20000, 20019));
        AppUids second = new AppUids(new Sql(database.dataSource()), new UidRange(20000, 20019));
        List<String> holders = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String guid = app("holder-" + i);
            first.assign(guid);
            holders.add(guid);
        }
        for (int i = 0; i < 20; i += 2) {
            apps.delete(holders.get(i));
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                AppUids controller = i % 2 == 0 ? first : second;
                String guid = app("newcomer-" + i);
                results.add(pool.submit(() -> {
                    go.await();
                    return controller.assign(guid);
                }));
            }
            go.countDown();
            Set<Integer> handedOut = new HashSet<>();
            for (Future<Integer> r : results) {
                assertTrue(handedOut.add(r.get()));
            }
            Set<Integer> expected = new HashSet<>();
            for (int uid = 20000; uid < 20020; uid += 2) {
                expected.add(uid);
            }
            assertEquals(expected, handedOut, "exactly the freed uids");
        } finally {
            pool.shutdownNow();
        }
    }
}
