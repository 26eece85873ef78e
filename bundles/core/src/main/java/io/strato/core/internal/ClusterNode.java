package io.strato.core.internal;

import io.strato.api.cluster.ClusterConfig;
import io.strato.api.cluster.ClusterKeys;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.NodeHeartbeat;
import io.strato.api.cluster.NodeRecord;
import io.strato.api.cluster.PrimaryElection;
import io.strato.api.cluster.Registration;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.SharedState;
import io.strato.api.json.Json;
import io.strato.api.role.RoleException;
import io.strato.api.role.RoleNames;
import io.strato.api.role.RoleState;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node in the cluster, built only on {@link SharedState}: node records that live as long as their
 * heartbeats, and the primary claim. The claim is an entry written with an atomic put-if-absent, so of two
 * nodes racing exactly one wins; it names the holder and an epoch that grows with every new holder. It goes
 * stale only once the holder's node record has expired, and even then another node takes it over only when
 * the admin says so ({@code --force}): a paused or cut-off primary looks the same as a dead one. The holder
 * checks the claim at every heartbeat: when another node holds it with a newer epoch, this node steps down at
 * once (the role stays installed, standing by); a claim lost with a split-off member is written back.
 */
@Component(service = {ClusterView.class, NodeHeartbeat.class, PrimaryElection.class, PrimaryGuard.class, ClusterNode.class})
public class ClusterNode implements ClusterView, NodeHeartbeat, PrimaryElection, PrimaryGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    static final Duration RECORD_TTL = Duration.ofSeconds(15);
    /**
     * Map and key of the entry the primary keeps refreshed with its heartbeat: sealed like every entry, it
     * tells a node that has just joined whether its secret is the cluster's (kato:node-attach).
     */
    static final String PROOF = "strato.proof";
    static final String PROOF_KEY = "proof";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    /** Value of the primary claim; {@code epoch} grows by one with every claim by a new holder. */
    record PrimaryClaim(String nodeId, String nodeName, long since, long epoch) {
    }

    /** How long a {@code --force} lets the primary role's activation take over a lost primary's claim. */
    static final Duration TAKEOVER_WINDOW = Duration.ofSeconds(90);

    private final SharedMap nodes;
    private final SharedMap primaryMap;
    private final SharedMap clusterMap;
    private final SharedMap proofMap;
    private final LocalRoles roles;
    private final NodeIdentity identity;
    private final String address;
    private final String version;
    private final Clock clock;
    private final Map<String, NodeRecord> lastSeen = new ConcurrentHashMap<>();
    private final Registration lastSeenTracking;
    /**
     * The last primary claim this node saw in the cluster state, forgotten when it is removed (released, or taken
     * over). A claim can also vanish without a removal: lost with the member that held the only copy of its part
     * of the cluster state (a member that froze while the cluster was still copying that part after another
     * member rejoined). Its holder is then gone and its claim stands until it is taken over with --force.
     */
    private volatile PrimaryClaim lastClaim;
    private final Registration claimTracking;
    private final Quorum quorum;
    private volatile String heldClaim;
    private volatile long takeoverAllowedUntil;
    /** The held claim was taken with --force: the admin declared the members this node cannot see gone. */
    private volatile boolean forcedClaim;
    private volatile long highestEpoch;

    @Activate
    public ClusterNode(@Reference SharedState state, @Reference LocalRoles roles, @Reference Quorum quorum,
                       BundleContext context) {
        this(state, roles, quorum, NodeIdentity.loadOrCreate(etc()), new HazelcastXml(etc().resolve("hazelcast.xml")).address(),
                context.getBundle().getVersion().toString(), Clock.systemUTC());
    }

    private static Path etc() {
        return Path.of(System.getProperty("karaf.etc", "etc"));
    }

    ClusterNode(SharedState state, LocalRoles roles, Quorum quorum, NodeIdentity identity, String address, String version,
                Clock clock) {
        this.quorum = quorum;
        this.nodes = state.map(ClusterKeys.NODES);
        this.primaryMap = state.map(ClusterKeys.PRIMARY);
        this.clusterMap = state.map(ClusterKeys.CLUSTER);
        this.proofMap = state.map(PROOF);
        this.roles = roles;
        this.identity = identity;
        this.address = address;
        this.version = version;
        this.clock = clock;
        nodes.entries().values().forEach(this::remember);
        this.lastSeenTracking = nodes.listen((key, value) -> value.ifPresent(this::remember));
        this.claimTracking = primaryMap.listen((key, value) -> {
            if (ClusterKeys.PRIMARY_KEY.equals(key)) {
                trackClaim(value);
            }
        });
        trackClaim(primaryMap.get(ClusterKeys.PRIMARY_KEY));
        LOG.info("Node {} ({}) joined the cluster view at {}", identity.name(), identity.id(), address);
    }

    @Deactivate
    void deactivate() {
        lastSeenTracking.close();
        claimTracking.close();
    }

    /** Remembers the claim now in the cluster state (none: forgets it); a malformed one changes nothing. */
    private void trackClaim(Optional<String> json) {
        try {
            lastClaim = json.map(ClusterNode::readClaim).orElse(null);
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring a malformed primary claim: {}", e.getMessage());
        }
    }

    private void remember(String json) {
        try {
            NodeRecord r = Json.read(json, NodeRecord.class);
            lastSeen.put(r.id(), r);
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring a malformed node record: {}", e.getMessage());
        }
    }

    // --- NodeHeartbeat

    @Override
    public void beat() {
        checkHeldClaim();
        NodeRecord self = localNode();
        nodes.put(identity.id(), Json.write(self), RECORD_TTL);
        if (self.primary()) {
            proofMap.put(PROOF_KEY, "primary " + identity.id(), RECORD_TTL);
        }
    }

    /**
     * The cluster transport dropped the member of node {@code nodeId}: its failure detector heard no heartbeat in
     * time, or its connections were refused after a kill. The node is gone now, not when its record's life ends,
     * so {@code kato:status}, the health manager and the primary's fencing see it within seconds. A node dropped by
     * mistake writes its record again at its next heartbeat, once it is merged back.
     */
    void memberLost(String nodeId) {
        if (nodeId.equals(identity.id())) {
            return;
        }
        nodes.get(nodeId).ifPresent(json -> {
            nodes.remove(nodeId);
            String name = lastSeen.containsKey(nodeId) ? lastSeen.get(nodeId).name() : nodeId;
            LOG.warn("Node {} ({}) is gone from the cluster: its cluster connection stopped answering", name, nodeId);
        });
    }

    @Override
    public Duration recordTtl() {
        return RECORD_TTL;
    }

    // --- ClusterView

    @Override
    public NodeRecord localNode() {
        return new NodeRecord(identity.id(), identity.name(), address, roles.states(), holdsPrimary(), version, clock.millis());
    }

    private boolean holdsPrimary() {
        return heldClaim != null && currentClaim().map(c -> c.nodeId().equals(identity.id())).orElse(false);
    }

    @Override
    public List<NodeRecord> nodes() {
        List<NodeRecord> result = new ArrayList<>();
        for (String json : nodes.entries().values()) {
            try {
                result.add(Json.read(json, NodeRecord.class));
            } catch (IllegalArgumentException e) {
                LOG.warn("Ignoring a malformed node record: {}", e.getMessage());
            }
        }
        result.sort(Comparator.comparing(NodeRecord::name).thenComparing(NodeRecord::id));
        return result;
    }

    private boolean alive(String nodeId) {
        return nodes.get(nodeId).isPresent();
    }

    private Optional<PrimaryClaim> currentClaim() {
        Optional<PrimaryClaim> claim = primaryMap.get(ClusterKeys.PRIMARY_KEY).map(ClusterNode::readClaim);
        if (claim.isEmpty()) {
            claim = lostClaim();
        }
        claim.ifPresent(c -> highestEpoch = Math.max(highestEpoch, c.epoch()));
        return claim;
    }

    /** The claim of a holder that is gone, when the claim vanished from the cluster state with it. */
    private Optional<PrimaryClaim> lostClaim() {
        return Optional.ofNullable(lastClaim).filter(c -> !alive(c.nodeId()));
    }

    private static PrimaryClaim readClaim(String json) {
        return Json.read(json, PrimaryClaim.class);
    }

    /** Cut off from most of the cluster, unless the admin declared the missing members gone (--force). */
    private Optional<String> cutOff() {
        return forcedClaim ? Optional.empty() : quorum.cutOff();
    }

    /** A claim is stale once its holder's record expired (and the claim is older than a record's life). */
    private boolean stale(PrimaryClaim claim) {
        return !alive(claim.nodeId()) && clock.millis() - claim.since() > RECORD_TTL.toMillis();
    }

    @Override
    public Optional<NodeRecord> primary() {
        return currentClaim().filter(c -> !stale(c)).flatMap(c -> nodes.get(c.nodeId()))
                .map(json -> Json.read(json, NodeRecord.class));
    }

    @Override
    public ClusterConfig config() {
        return clusterMap.get(ClusterKeys.CONFIG_KEY).map(json -> Json.read(json, ClusterConfig.class)).orElse(ClusterConfig.DEFAULTS);
    }

    @Override
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        Map<String, RoleState> local = roles.states();
        if (local.get(RoleNames.BASE) != RoleState.ACTIVE) {
            warnings.add("NOT READY: the base role is not active on this node; run kato:role-add base");
        }
        Optional<PrimaryClaim> claim = currentClaim();
        String cluster = config().name();
        if (claim.isEmpty()) {
            warnings.add("cluster " + cluster + " has no primary: install the primary role on one node (kato:role-add primary)");
        } else if (stale(claim.get())) {
            PrimaryClaim c = claim.get();
            NodeRecord last = lastSeen.get(c.nodeId());
            String seen = last == null ? "" : " (last heartbeat at " + TIME.format(Instant.ofEpochMilli(last.lastHeartbeat())) + ")";
            warnings.add("the primary node " + c.nodeName() + " is gone" + seen
                    + "; if it is gone for good, another node can take the primary role with kato:role-add --force primary");
        }
        quorum.cutOff().ifPresent(why -> warnings.add("this node is cut off from its cluster: " + why
                + "; it rejoins by itself once they are reachable"));
        roles.refusals().forEach((role, reason) -> warnings.add("role " + role + " was refused: " + reason));
        return warnings;
    }

    @Override
    public boolean ready() {
        return roles.states().get(RoleNames.BASE) == RoleState.ACTIVE && alive(identity.id());
    }

    // --- PrimaryElection

    @Override
    public Optional<String> admit(boolean force) {
        Optional<PrimaryClaim> claim = currentClaim().filter(c -> !c.nodeId().equals(identity.id()));
        if (claim.isPresent() && !stale(claim.get())) {
            return Optional.of(refusal(claim.get()));
        }
        if (force) {
            takeoverAllowedUntil = clock.millis() + TAKEOVER_WINDOW.toMillis();
            return Optional.empty();
        }
        if (claim.isPresent()) {
            return Optional.of(lostHolder(claim.get()));
        }
        return quorum.cutOff().map(why -> "this node cannot tell whether the cluster has a primary: " + why
                + ". Wait until they are back (the node rejoins by itself), or, if they are gone for good, take the "
                + "role with kato:role-add --force primary");
    }

    private String lostHolder(PrimaryClaim holder) {
        NodeRecord last = lastSeen.get(holder.nodeId());
        String since = last == null ? "" : " since " + TIME.format(Instant.ofEpochMilli(last.lastHeartbeat()));
        return "node " + holder.nodeName() + " holds the primary role of cluster " + config().name()
                + " but has not been heard from" + since + ". It may be paused or cut off rather than gone; if it is "
                + "gone for good, take the role over with kato:role-add --force primary";
    }

    private String refusal(PrimaryClaim holder) {
        return "node " + holder.nodeName() + " is already the primary of cluster " + config().name();
    }

    @Override
    public synchronized void claim() throws RoleException {
        boolean takeover = clock.millis() < takeoverAllowedUntil;
        takeoverAllowedUntil = 0;
        forcedClaim = takeover;
        // a node that starts cut off (the first of a cluster to boot) still claims: it does not act while cut off
        // (fenced), and once it is back the newer epoch, or the claim already in the cluster, stands
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<String> existing = primaryMap.get(ClusterKeys.PRIMARY_KEY);
            existing.ifPresent(json -> highestEpoch = Math.max(highestEpoch, readClaim(json).epoch()));
            if (existing.isEmpty()) {
                Optional<PrimaryClaim> lost = lostClaim().filter(c -> !c.nodeId().equals(identity.id()));
                if (lost.isPresent() && !stale(lost.get())) {
                    throw refuse(refusal(lost.get()));
                }
                if (lost.isPresent() && !takeover) {
                    throw refuse(lostHolder(lost.get()));
                }
                String mine = claimValue(lost.map(PrimaryClaim::epoch).orElse(0L));
                if (primaryMap.putIfAbsent(ClusterKeys.PRIMARY_KEY, mine, null).isEmpty()) {
                    claimed(mine, lost.map(c -> "took over from lost node " + c.nodeName() + " and").orElse("claimed"));
                    return;
                }
                continue;
            }
            PrimaryClaim holder = readClaim(existing.get());
            if (holder.nodeId().equals(identity.id())) {
                claimed(existing.get(), "still holds");
                return;
            }
            if (!stale(holder)) {
                throw refuse(refusal(holder));
            }
            if (!takeover) {
                throw refuse(lostHolder(holder));
            }
            String mine = claimValue(holder.epoch());
            if (primaryMap.replace(ClusterKeys.PRIMARY_KEY, existing.get(), mine)) {
                claimed(mine, "took over from lost node " + holder.nodeName() + " and");
                return;
            }
        }
        throw new RoleException("could not claim the primary role: the claim kept changing; try again");
    }

    private RoleException refuse(String reason) {
        roles.refuse(RoleNames.PRIMARY, reason);
        return new RoleException(reason);
    }

    private String claimValue(long previousEpoch) {
        return Json.write(new PrimaryClaim(identity.id(), identity.name(), clock.millis(),
                Math.max(previousEpoch, highestEpoch) + 1));
    }

    private void claimed(String claim, String how) {
        heldClaim = claim;
        LOG.info("Node {} {} the primary role of cluster {} (epoch {})", identity.name(), how, config().name(),
                readClaim(claim).epoch());
        beat();
    }

    /**
     * The holder's check at every heartbeat. Another node's claim with a newer or the same epoch (the one the
     * cluster kept when two sides of a split met): step down. An older one (the other
     * side of a healed split took the role with --force before this node's newer claim came back): write ours
     * back, the other steps down at its next beat. No claim at all (it was lost with a member that split off):
     * write it back, unless this node is cut off itself.
     */
    private synchronized void checkHeldClaim() {
        String held = heldClaim;
        if (held == null) {
            return;
        }
        PrimaryClaim mine = readClaim(held);
        Optional<String> current = primaryMap.get(ClusterKeys.PRIMARY_KEY);
        if (current.isEmpty()) {
            if (cutOff().isEmpty() && primaryMap.putIfAbsent(ClusterKeys.PRIMARY_KEY, held, null).isEmpty()) {
                LOG.warn("The primary claim of this node was missing from the cluster state (lost with a member that "
                        + "split off); wrote it back (epoch {})", mine.epoch());
            }
            return;
        }
        if (current.get().equals(held)) {
            return;
        }
        PrimaryClaim other = readClaim(current.get());
        if (other.nodeId().equals(identity.id())) {
            heldClaim = current.get();
        } else if (other.epoch() >= mine.epoch()) {
            heldClaim = null;
            String reason = "this node stepped down: node " + other.nodeName() + " took the primary role of cluster "
                    + config().name() + " (epoch " + other.epoch() + "; this node held epoch " + mine.epoch()
                    + ") while this node was paused or cut off";
            roles.standBy(RoleNames.PRIMARY, reason);
        } else if (primaryMap.replace(ClusterKeys.PRIMARY_KEY, current.get(), held)) {
            LOG.warn("Node {} claimed the primary role with epoch {}, older than this node's {}: this node keeps it",
                    other.nodeName(), other.epoch(), mine.epoch());
        }
    }

    @Override
    public Optional<String> fenced() {
        String held = heldClaim;
        if (held == null || !primaryMap.get(ClusterKeys.PRIMARY_KEY).map(held::equals).orElse(false)) {
            Optional<String> standing = Optional.ofNullable(roles.refusals().get(RoleNames.PRIMARY));
            return Optional.of(standing.orElse("this node does not hold the primary claim of cluster " + config().name()));
        }
        return cutOff().map(why -> "this node may not act as the primary now: " + why);
    }

    @Override
    public synchronized void release() {
        String claim = heldClaim;
        if (claim != null && primaryMap.remove(ClusterKeys.PRIMARY_KEY, claim)) {
            LOG.info("Node {} gave up the primary role of cluster {}", identity.name(), config().name());
        }
        heldClaim = null;
    }
}
