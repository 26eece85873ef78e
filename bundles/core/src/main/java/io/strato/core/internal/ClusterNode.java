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
 * nodes racing exactly one wins; it names the holder, and it goes stale (and may be taken over) only once
 * the holder's node record has expired.
 */
@Component(service = {ClusterView.class, NodeHeartbeat.class, PrimaryElection.class, PrimaryGuard.class})
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

    /** Value of the primary claim. */
    record PrimaryClaim(String nodeId, String nodeName, long since) {
    }

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
    private volatile String heldClaim;

    @Activate
    public ClusterNode(@Reference SharedState state, @Reference LocalRoles roles, BundleContext context) {
        this(state, roles, NodeIdentity.loadOrCreate(etc()), new HazelcastXml(etc().resolve("hazelcast.xml")).address(),
                context.getBundle().getVersion().toString(), Clock.systemUTC());
    }

    private static Path etc() {
        return Path.of(System.getProperty("karaf.etc", "etc"));
    }

    ClusterNode(SharedState state, LocalRoles roles, NodeIdentity identity, String address, String version, Clock clock) {
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
        LOG.info("Node {} ({}) joined the cluster view at {}", identity.name(), identity.id(), address);
    }

    @Deactivate
    void deactivate() {
        lastSeenTracking.close();
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
        NodeRecord self = localNode();
        nodes.put(identity.id(), Json.write(self), RECORD_TTL);
        if (self.primary()) {
            proofMap.put(PROOF_KEY, "primary " + identity.id(), RECORD_TTL);
        }
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
        return currentClaim().map(c -> c.nodeId().equals(identity.id())).orElse(false);
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
        return primaryMap.get(ClusterKeys.PRIMARY_KEY).map(json -> Json.read(json, PrimaryClaim.class));
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
                    + "; another node can take the primary role with kato:role-add primary");
        }
        roles.refusals().forEach((role, reason) -> warnings.add("role " + role + " was refused: " + reason));
        return warnings;
    }

    @Override
    public boolean ready() {
        return roles.states().get(RoleNames.BASE) == RoleState.ACTIVE && alive(identity.id());
    }

    // --- PrimaryElection

    @Override
    public Optional<String> conflict() {
        return currentClaim().filter(c -> !c.nodeId().equals(identity.id()) && !stale(c)).map(this::refusal);
    }

    private String refusal(PrimaryClaim holder) {
        return "node " + holder.nodeName() + " is already the primary of cluster " + config().name();
    }

    @Override
    public synchronized void claim() throws RoleException {
        String mine = Json.write(new PrimaryClaim(identity.id(), identity.name(), clock.millis()));
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<String> existing = primaryMap.putIfAbsent(ClusterKeys.PRIMARY_KEY, mine, null);
            if (existing.isEmpty()) {
                claimed(mine, "claimed");
                return;
            }
            PrimaryClaim holder = Json.read(existing.get(), PrimaryClaim.class);
            if (holder.nodeId().equals(identity.id())) {
                claimed(existing.get(), "still holds");
                return;
            }
            if (!stale(holder)) {
                String reason = refusal(holder);
                roles.refuse(RoleNames.PRIMARY, reason);
                throw new RoleException(reason);
            }
            if (primaryMap.replace(ClusterKeys.PRIMARY_KEY, existing.get(), mine)) {
                claimed(mine, "took over from lost node " + holder.nodeName() + " and");
                return;
            }
        }
        throw new RoleException("could not claim the primary role: the claim kept changing; try again");
    }

    private void claimed(String claim, String how) {
        heldClaim = claim;
        LOG.info("Node {} {} the primary role of cluster {}", identity.name(), how, config().name());
        beat();
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
