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
        public void standBy(String role, String reason) {
            refused.put(role, reason);
        }

        @Override
        public Map<String, String> refusals() {
            return Map.copyOf(refused);
        }
    }

    /** This node's side of a split, as a test sets it. */
    static final class FakeQuorum implements Quorum {
        volatile String cutOff;

        @Override
        public java.util.Optional<String> cutOff() {
            return java.util.Optional.ofNullable(cutOff);
        }
    }

    private final FakeQuorum whole = new FakeQuorum();

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
        return node(name, roles, whole, clock);
    }

    private ClusterNode node(String name, FakeRoles roles, Quorum quorum, Clock clock) {
        ClusterNode node = new ClusterNode(cluster, roles, quorum, new NodeIdentity(name + "-id", name), "127.0.0.1", "1.0", clock);
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
        assertEquals(List.of("node node-1 is already the primary of cluster strato"), n2.admit(false).stream().toList());
        assertEquals(List.of("node node-1 is already the primary of cluster strato"), n2.admit(true).stream().toList(),
                "--force never takes the role from a live primary");
        n1.claim();
        assertTrue(n1.admit(false).isEmpty(), "the holder may claim again (restart of its role)");
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
    void aMemberTheTransportDropsIsGoneAtOnceAndComesBackWithItsNextBeat() throws RoleException {
        TestClock clock = new TestClock();
        ClusterNode n1 = node("node-1", new FakeRoles(), clock);
        ClusterNode n2 = node("node-2", new FakeRoles(), clock);
        n1.claim();
        clock.now = clock.now.plus(ClusterNode.RECORD_TTL).plus(Duration.ofSeconds(1));
        n1.beat();

        n2.memberLost("node-1-id"); // well within the life of node-1's record
        assertEquals(List.of("node-2"), n2.nodes().stream().map(NodeRecord::name).toList());
        assertTrue(n2.primary().isEmpty());
        assertTrue(n2.warnings().stream().anyMatch(w -> w.startsWith("the primary node node-1 is gone")), n2.warnings().toString());

        n2.memberLost("node-2-id"); // a node never drops itself
        n1.beat(); // dropped by mistake and merged back
        assertEquals(List.of("node-1", "node-2"), n2.nodes().stream().map(NodeRecord::name).toList());
        assertEquals("node-1", n2.primary().orElseThrow().name());
    }

    @Test
    void lostPrimaryIsReportedAndAnotherNodeTakesOverOnlyWhenForced() throws RoleException {
        TestClock clock = new TestClock();
        FakeRoles roles2 = new FakeRoles();
        ClusterNode n1 = node("node-1", new FakeRoles(), clock);
        ClusterNode n2 = node("node-2", roles2, clock);
        n1.claim();
        assertThrows(RoleException.class, n2::claim);

        // node-1 stops heartbeating: its record expires
        cluster.map(io.strato.api.cluster.ClusterKeys.NODES).remove("node-1-id");
        clock.now = clock.now.plus(ClusterNode.RECORD_TTL).plus(Duration.ofSeconds(1));
        n2.beat();
        assertTrue(n2.primary().isEmpty());
        assertTrue(n2.warnings().stream().anyMatch(w -> w.startsWith("the primary node node-1 is gone (last heartbeat at ")
                && w.endsWith("kato:role-add --force primary")), n2.warnings().toString());

        // a lost primary may be paused or cut off: no takeover without --force
        String refusal = n2.admit(false).orElseThrow();
        assertTrue(refusal.startsWith("node node-1 holds the primary role of cluster strato but has not been heard from since "),
                refusal);
        assertTrue(refusal.endsWith("take the role over with kato:role-add --force primary"), refusal);
        RoleException unforced = assertThrows(RoleException.class, n2::claim);
        assertEquals(refusal, unforced.getMessage());

        assertTrue(n2.admit(true).isEmpty());
        n2.claim();
        assertEquals("node-2", n2.primary().orElseThrow().name());
        assertTrue(n2.localNode().primary());
        assertFalse(n2.warnings().stream().anyMatch(w -> w.startsWith("the primary node node-1 is gone")));
    }

    @Test
    void aClaimLostWithItsFrozenHolderStillNamesTheHolderAndNeedsForceToTakeOver() throws RoleException {
        TestClock clock = new TestClock();
        ClusterNode n1 = node("node-1", new FakeRoles(), clock);
        n1.claim();
        ClusterNode n2 = node("node-2", new FakeRoles(), clock);
        ClusterNode n3 = node("node-3", new FakeRoles(), clock);

        // node-1 freezes while the cluster still copies the part of its state that holds the claim: the member is
        // dropped and the claim goes with it, without a removal anyone hears of
        cluster.map(io.strato.api.cluster.ClusterKeys.NODES).remove("node-1-id");
        cluster.lose(io.strato.api.cluster.ClusterKeys.PRIMARY, io.strato.api.cluster.ClusterKeys.PRIMARY_KEY);
        clock.now = clock.now.plus(ClusterNode.RECORD_TTL).plus(Duration.ofSeconds(1));
        for (ClusterNode n : List.of(n2, n3)) {
            n.beat();
            assertTrue(n.warnings().stream().anyMatch(w -> w.startsWith("the primary node node-1 is gone")), n.warnings().toString());
            assertTrue(n.admit(false).orElseThrow().startsWith("node node-1 holds the primary role of cluster strato but has not"));
        }
        RoleException unforced = assertThrows(RoleException.class, n2::claim);
        assertTrue(unforced.getMessage().endsWith("kato:role-add --force primary"), unforced.getMessage());

        assertTrue(n2.admit(true).isEmpty());
        n2.claim();
        String claim = cluster.map(io.strato.api.cluster.ClusterKeys.PRIMARY).get(io.strato.api.cluster.ClusterKeys.PRIMARY_KEY).orElseThrow();
        assertTrue(claim.contains("\"nodeName\":\"node-2\"") && claim.contains("\"epoch\":2"), claim);
        assertEquals("node-2", n3.primary().orElseThrow().name());
        assertTrue(n3.warnings().stream().noneMatch(w -> w.contains("is gone") || w.contains("no primary")), n3.warnings().toString());
    }

    @Test
    void aMalformedClaimInTheClusterStateDoesNotKeepANodeFromJoiningTheView() {
        cluster.map(io.strato.api.cluster.ClusterKeys.PRIMARY).put(io.strato.api.cluster.ClusterKeys.PRIMARY_KEY, "{not a claim");
        ClusterNode n1 = node("node-1", new FakeRoles(), new TestClock());
        assertEquals(List.of("node-1"), n1.nodes().stream().map(NodeRecord::name).toList());
    }

    @Test
    void aReleasedClaimIsForgottenAndTheNextNodeClaimsWithoutForce() throws RoleException {
        TestClock clock = new TestClock();
        ClusterNode n1 = node("node-1", new FakeRoles(), clock);
        ClusterNode n2 = node("node-2", new FakeRoles(), clock);
        n1.claim();
        n1.release();
        cluster.map(io.strato.api.cluster.ClusterKeys.NODES).remove("node-1-id"); // and the node stops
        clock.now = clock.now.plus(ClusterNode.RECORD_TTL).plus(Duration.ofSeconds(1));
        n2.beat();
        assertTrue(n2.warnings().stream().anyMatch(w -> w.startsWith("cluster strato has no primary")), n2.warnings().toString());
        assertTrue(n2.admit(false).isEmpty());
        n2.claim();
        assertEquals("node-2", n2.primary().orElseThrow().name());
    }

    @Test
    void aPrimaryThatWasPausedStepsDownAtItsNextBeatAndActsNoMore() throws RoleException {
        TestClock clock = new TestClock();
        FakeRoles roles1 = new FakeRoles();
        ClusterNode n1 = node("node-1", roles1, clock);
        ClusterNode n2 = node("node-2", new FakeRoles(), clock);
        n1.claim();
        assertTrue(n1.fenced().isEmpty());

        // node-1 is frozen: its record expires and node-2 takes over with --force
        cluster.map(io.strato.api.cluster.ClusterKeys.NODES).remove("node-1-id");
        clock.now = clock.now.plus(ClusterNode.RECORD_TTL).plus(Duration.ofSeconds(1));
        n2.admit(true);
        n2.claim();

        // node-1 resumes: at its next heartbeat it finds the newer epoch and stands by
        n1.beat();
        String reason = roles1.refused.get("primary");
        assertEquals("this node stepped down: node node-2 took the primary role of cluster strato (epoch 2; this node "
                + "held epoch 1) while this node was paused or cut off", reason);
        assertEquals(reason, n1.fenced().orElseThrow());
        assertFalse(n1.localNode().primary());
        assertEquals("node-2", n1.primary().orElseThrow().name());
        n1.release();
        assertEquals("node-2", n2.primary().orElseThrow().name(), "the stepped-down node does not remove the new claim");
    }

    @Test
    void aNodeCutOffFromMostOfItsClusterNeitherActsNorClaimsUnlessForced() throws RoleException {
        FakeQuorum side = new FakeQuorum();
        FakeRoles roles = new FakeRoles();
        ClusterNode n1 = node("node-1", roles, side, Clock.systemUTC());
        n1.claim();
        side.cutOff = "it cannot see 2 of the 3 cluster members it knows (127.0.0.1:5702, 127.0.0.1:5703)";
        assertEquals("this node may not act as the primary now: " + side.cutOff, n1.fenced().orElseThrow());
        assertTrue(n1.warnings().contains("this node is cut off from its cluster: " + side.cutOff
                + "; it rejoins by itself once they are reachable"), n1.warnings().toString());
        side.cutOff = null;
        assertTrue(n1.fenced().isEmpty());

        // a node alone in its part of a split sees no claim at all, and still may not claim without --force
        n1.release();
        FakeQuorum alone = new FakeQuorum();
        alone.cutOff = "it cannot see 2 of the 3 cluster members it knows (127.0.0.1:5701, 127.0.0.1:5702)";
        ClusterNode n3 = node("node-3", new FakeRoles(), alone, Clock.systemUTC());
        String refusal = n3.admit(false).orElseThrow();
        assertTrue(refusal.startsWith("this node cannot tell whether the cluster has a primary: " + alone.cutOff), refusal);
        assertTrue(n3.admit(true).isEmpty());
        n3.claim();
        assertTrue(n3.fenced().isEmpty(), "--force: the admin declared the members it cannot see gone");
    }

    @Test
    void aPrimaryThatStartsCutOffClaimsButDoesNotActAndYieldsToTheClusterItRejoins() throws RoleException {
        ClusterNode n2 = node("node-2", new FakeRoles(), Clock.systemUTC());
        n2.claim();
        String clusterClaim = cluster.map(io.strato.api.cluster.ClusterKeys.PRIMARY).get(io.strato.api.cluster.ClusterKeys.PRIMARY_KEY).orElseThrow();

        // node-1 boots alone (its own state: no claim) while the others run with node-2 as primary
        LocalSharedState own = new LocalSharedState();
        FakeQuorum side = new FakeQuorum();
        side.cutOff = "it cannot see 2 of the 3 cluster members it knows (127.0.0.1:5702, 127.0.0.1:5703)";
        FakeRoles roles1 = new FakeRoles();
        ClusterNode n1 = new ClusterNode(own, roles1, side, new NodeIdentity("node-1-id", "node-1"), "127.0.0.1", "1.0",
                Clock.systemUTC());
        n1.claim();
        assertTrue(n1.fenced().orElseThrow().startsWith("this node may not act as the primary now: it cannot see 2"));

        // the split heals: the cluster's claim (same epoch) is the one kept, and node-1 steps down
        own.map(io.strato.api.cluster.ClusterKeys.PRIMARY).put(io.strato.api.cluster.ClusterKeys.PRIMARY_KEY, clusterClaim);
        side.cutOff = null;
        n1.beat();
        assertTrue(roles1.refused.get("primary").startsWith("this node stepped down: node node-2 took the primary role"),
                roles1.refusals().toString());
        assertTrue(n1.fenced().isPresent());
        own.close();
    }

    @Test
    void aClaimLostWithASplitOffMemberIsWrittenBackAndEpochsOnlyGrow() throws RoleException {
        ClusterNode n1 = node("node-1", new FakeRoles(), Clock.systemUTC());
        ClusterNode n2 = node("node-2", new FakeRoles(), Clock.systemUTC());
        n1.claim();
        cluster.map(io.strato.api.cluster.ClusterKeys.PRIMARY).remove(io.strato.api.cluster.ClusterKeys.PRIMARY_KEY);
        n1.beat();
        assertEquals("node-1", n2.primary().orElseThrow().name());
        assertTrue(n1.fenced().isEmpty());
        n1.release();
        n2.claim();
        String claim = cluster.map(io.strato.api.cluster.ClusterKeys.PRIMARY).get(io.strato.api.cluster.ClusterKeys.PRIMARY_KEY).orElseThrow();
        assertTrue(claim.contains("\"epoch\":2"), claim);
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
