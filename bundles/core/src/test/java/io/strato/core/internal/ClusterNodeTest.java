package io.strato.core.internal;

import io.strato.api.cluster.LocalSharedState;
import io.strato.api.cluster.NodeRecord;
import io.strato.api.role.RoleException;
import io.strato.api.role.RoleState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several nodes sharing one {@link LocalSharedState} stand for a cluster. */
class ClusterNodeTest {

    private final LocalSharedState cluster = new LocalSharedState();

    @AfterEach
    void close() {
        cluster.close();
    }

    /** Roles of a test node; records refusals like the real registry does. */
    static final class FakeRoles implements LocalRoles {
        final Map<String, RoleState> states = new TreeMap<>(Map.of("base", RoleState.ACTIVE));
        final Map<String, String> refused = new ConcurrentHashMap<>();

        @Override
        public Map<String, RoleState> states() {
            return new TreeMap<>(states);
        }

        @Override
        public void refuse(String role, String reason) {
            refused.put(role, reason);
        }

        @Override
        public Map<String, String> refusals() {
            return Map.copyOf(refused);
        }
    }

    /** A clock tests can move forward. */
    static final class TestClock extends Clock {
        volatile Instant now = Instant.parse("2026-11-25T12:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private ClusterNode node(String name, FakeRoles roles, Clock clock) {
        ClusterNode node = new ClusterNode(cluster, roles, new NodeIdentity(name + "-id", name), "127.0.0.1", "1.0", clock);
        node.beat();
        return node;
    }

    @Test
    void everyNodeSeesEveryHeartbeatingNodeWithItsRoles() {
        FakeRoles roles1 = new FakeRoles();
        roles1.states.put("controller", RoleState.ACTIVE);
        ClusterNode n1 = node("node-1", roles1, Clock.systemUTC());
        ClusterNode n2 = node("node-2", new FakeRoles(), Clock.systemUTC());
        List<NodeRecord> seenBy2 = n2.nodes();
        assertEquals(List.of("node-1", "node-2"), seenBy2.stream().map(NodeRecord::name).toList());
        assertEquals(RoleState.ACTIVE, seenBy2.get(0).roles().get("controller"));
        assertEquals(n1.nodes(), seenBy2);
    }

    @Test
    void secondPrimaryIsRefusedWithTheHoldersName() throws RoleException {
        FakeRoles roles2 = new FakeRoles();
        ClusterNode n1 = node("node-1", new FakeRoles(), Clock.systemUTC());
        ClusterNode n2 = node("node-2", roles2, Clock.systemUTC());
        n1.claim();
        RoleException refused = assertThrows(RoleException.class, n2::claim);
        assertEquals("node node-1 is already the primary of cluster strato", refused.getMessage());
        assertEquals(refused.getMessage(), roles2.refused.get("primary"));
        assertEquals("node-1", n2.primary().orElseThrow().name());
        assertEquals(List.of("node node-1 is already the primary of cluster strato"), n2.conflict().stream().toList());
        n1.claim();
        assertTrue(n1.conflict().isEmpty(), "the holder may claim again (restart of its role)");
    }

    @Test
    void racingClaimsEndWithExactlyOnePrimary() throws Exception {
        int nodes = 8;
        List<ClusterNode> racers = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            racers.add(node("node-" + i, new FakeRoles(), Clock.systemUTC()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        for (ClusterNode n : racers) {
            outcomes.add(pool.submit(() -> {
                start.await();
                try {
                    n.claim();
                    return true;
                } catch (RoleException e) {
                    return false;
                }
            }));
        }
        start.countDown();
        int winners = 0;
        for (Future<Boolean> f : outcomes) {
            winners += f.get() ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(1, winners);
        racers.forEach(ClusterNode::beat);
        assertEquals(1, racers.get(0).nodes().stream().filter(NodeRecord::primary).count());
    }

    @Test
    void lostPrimaryIsReportedAndAnotherNodeTakesOver() throws RoleException {
        TestClock clock = new TestClock();
        ClusterNode n1 = new ClusterNode(cluster, new FakeRoles(), new NodeIdentity("id-1", "node-1"), "127.0.0.1", "1.0", clock);
        ClusterNode n2 = new ClusterNode(cluster, new FakeRoles(), new NodeIdentity("id-2", "node-2"), "127.0.0.1", "1.0", clock);
        n1.beat();
        n1.claim();
        assertThrows(RoleException.class, n2::claim);

        // node-1 stops heartbeating: its record expires
        cluster.map(io.strato.api.cluster.ClusterKeys.NODES).remove("id-1");
        clock.now = clock.now.plus(ClusterNode.RECORD_TTL).plus(Duration.ofSeconds(1));
        n2.beat();
        assertTrue(n2.primary().isEmpty());
        assertTrue(n2.warnings().stream().anyMatch(w -> w.startsWith("the primary node node-1 is gone (last heartbeat at ")),
                n2.warnings().toString());

        n2.claim();
        assertEquals("node-2", n2.primary().orElseThrow().name());
        assertTrue(n2.localNode().primary());
        assertFalse(n2.warnings().stream().anyMatch(w -> w.contains("gone")));
    }

    @Test
    void releaseFreesThePrimaryForOthers() throws RoleException {
        ClusterNode n1 = node("node-1", new FakeRoles(), Clock.systemUTC());
        ClusterNode n2 = node("node-2", new FakeRoles(), Clock.systemUTC());
        n1.claim();
        n1.release();
        n2.claim();
        assertEquals("node-2", n1.primary().orElseThrow().name());
    }

    @Test
    void nodeWithoutBaseIsNotReady() {
        FakeRoles roles = new FakeRoles();
        roles.states.remove("base");
        ClusterNode n = node("node-1", roles, Clock.systemUTC());
        assertFalse(n.ready());
        assertTrue(n.warnings().get(0).startsWith("NOT READY: the base role is not active"));
    }
}
