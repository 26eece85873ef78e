package io.strato.core.internal;

import io.strato.api.cluster.ClusterKeys;
import io.strato.api.cluster.ClusterSecret;
import io.strato.api.cluster.ClusterView;
import io.strato.api.role.RoleNames;
import io.strato.api.role.RoleService;
import io.strato.api.role.RoleState;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Which cluster this node belongs to. Keeps the secret and join addresses in
 * {@code etc/strato-cluster.properties}, mirrors them into Cellar's {@code etc/hazelcast.xml} (a fixed,
 * public group name and the tcp-ip members) and restarts Cellar's Hazelcast when they change: on first
 * start, on attach and on detach. The secret itself never leaves the properties file and memory: the
 * shared state is sealed with it, and an attach with a secret that does not open the cluster's entries is
 * undone at once.
 */
@Component(service = {Membership.class, ClusterSecret.class}, immediate = true)
public class MembershipManager implements Membership, ClusterSecret {

    private static final Logger LOG = LoggerFactory.getLogger(MembershipManager.class);
    private static final String CELLAR_HAZELCAST = "org.apache.karaf.cellar.hazelcast";
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+?(:\\d{1,5})?");
    static final int DEFAULT_PORT = 5701;

    private final BundleContext context;
    private final RoleService roles;
    private final PropertiesFile file;
    private final HazelcastXml hazelcastXml;
    private volatile ClusterSettings settings;

    @Activate
    public MembershipManager(BundleContext context, @Reference RoleService roles) {
        this.context = context;
        this.roles = roles;
        Path etc = Path.of(System.getProperty("karaf.etc", "etc"));
        this.file = new PropertiesFile(etc.resolve(ClusterSettings.FILE));
        this.hazelcastXml = new HazelcastXml(etc.resolve("hazelcast.xml"));
        if (file.exists()) {
            settings = ClusterSettings.from(file.read());
        } else {
            settings = ClusterSettings.fresh();
            file.write(settings.toProperties(), "Strato cluster membership of this node (secret and join addresses)");
            LOG.info("First start: generated this node's cluster secret in {}", file.path());
        }
        if (mirrorIntoHazelcast()) {
            // Cellar may already run with the old group; restart it off the activation thread
            new Thread(this::restartCellar, "strato-cellar-restart").start();
        }
    }

    @Override
    public String value() {
        return settings.secret();
    }

    @Override
    public List<String> joinAddresses() {
        return settings.members();
    }

    @Override
    public List<String> knownMembers() {
        return settings.joinTargets();
    }

    @Override
    public synchronized String attach(String address, String secret) throws MembershipException {
        String target = normalize(address);
        if (secret == null || secret.length() < 16) {
            throw new MembershipException("the cluster secret is missing or too short; on the primary run "
                    + "kato:cluster-secret and pass it with --secret");
        }
        RoleState primary = roles.roles().stream().filter(r -> r.name().equals(RoleNames.PRIMARY)).findFirst()
                .flatMap(r -> r.state()).orElse(null);
        if (primary != null) {
            throw new MembershipException("this node has the primary role; remove it first (kato:role-remove primary) "
                    + "or attach the other node to this one");
        }
        if (!ClusterRejoin.answers(target)) {
            throw new MembershipException("no node answers at " + target + ": check the address and port (the "
                    + "cluster port in the primary's etc/hazelcast.xml) and that it is reachable from here");
        }
        ClusterSettings previous = settings;
        LOG.info("Attaching to the cluster at {}", target);
        change(new ClusterSettings(secret, List.of(target)));
        try {
            return awaitPrimary(target);
        } catch (WrongSecret e) {
            settings = previous;
            file.write(previous.toProperties(), "Strato cluster membership of this node (secret and join addresses)");
            mirrorIntoHazelcast();
            LOG.warn("Attaching to {} failed: wrong cluster secret (the cluster's entries do not open with it); this node "
                    + "went back to its own cluster and secret", target);
            new Thread(this::restartCellar, "strato-cellar-restore").start();
            throw new MembershipException("wrong cluster secret: the cluster at " + target + " does not accept it; on its "
                    + "primary run kato:cluster-secret and pass that with --secret. This node stays in its own cluster "
                    + "with its own secret");
        }
    }

    @Override
    public synchronized String detach() throws MembershipException {
        if (settings.members().isEmpty()) {
            throw new MembershipException("this node is not attached to another node");
        }
        withService(PeerMemory.class, PeerMemory::withdraw);
        change(ClusterSettings.fresh());
        LOG.info("Detached from the cluster; this node now forms a cluster of its own");
        return "Detached: this node is now a cluster of its own (new secret generated)";
    }

    @Override
    public synchronized void rememberPeers(String secret, List<String> peers) {
        List<String> sorted = peers.stream().sorted().toList();
        if (!secret.equals(settings.secret()) || sorted.isEmpty() || sorted.equals(settings.peers())) {
            return; // alone now: keep the last peers, they are where the cluster will be
        }
        settings = settings.withPeers(sorted);
        file.write(settings.toProperties(), "Strato cluster membership of this node (secret and join addresses)");
        mirrorIntoHazelcast(); // read at the next start; the running Hazelcast needs no restart
        LOG.info("Cluster members to rejoin after a restart: {}", String.join(", ", settings.joinTargets()));
    }

    @Override
    public synchronized void forgetPeer(String secret, String peer) {
        if (!secret.equals(settings.secret()) || !settings.peers().contains(peer)) {
            return;
        }
        settings = settings.withPeers(settings.peers().stream().filter(p -> !p.equals(peer)).toList());
        file.write(settings.toProperties(), "Strato cluster membership of this node (secret and join addresses)");
        mirrorIntoHazelcast();
        LOG.info("Node at {} left the cluster; it is no longer rejoined after a restart", peer);
    }

    private <S> void withService(Class<S> type, java.util.function.Consumer<S> action) {
        ServiceTracker<S, S> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        try {
            S service = tracker.getService();
            if (service != null) {
                action.accept(service);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not tell the cluster this node leaves: {}", e.toString());
        } finally {
            tracker.close();
        }
    }

    private void change(ClusterSettings next) {
        settings = next;
        file.write(next.toProperties(), "Strato cluster membership of this node (secret and join addresses)");
        mirrorIntoHazelcast();
        restartCellar();
    }

    static String normalize(String address) throws MembershipException {
        String a = address == null ? "" : address.trim();
        if (a.isEmpty() || !ADDRESS.matcher(a).matches()) {
            throw new MembershipException("not a node address: '" + address + "'; use host or host:port (cluster port, default "
                    + DEFAULT_PORT + ")");
        }
        int colon = a.lastIndexOf(':');
        if (colon < 0 || a.endsWith("]")) {
            return a + ":" + DEFAULT_PORT;
        }
        int port = Integer.parseInt(a.substring(colon + 1));
        if (port < 1 || port > 65535) {
            throw new MembershipException("port out of range in '" + address + "'");
        }
        return a;
    }

    private boolean mirrorIntoHazelcast() {
        try {
            return hazelcastXml.apply(settings.groupName(), settings.joinTargets());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final Object restarting = new Object();

    /** One restart at a time: an attach may follow the restore of a refused one at once. */
    private void restartCellar() {
        synchronized (restarting) {
            restartCellarNow();
        }
    }

    private void restartCellarNow() {
        Bundle cellar = Arrays.stream(context.getBundles()).filter(b -> CELLAR_HAZELCAST.equals(b.getSymbolicName()))
                .findFirst().orElse(null);
        if (cellar == null) {
            LOG.info("Cellar is not installed yet; it will start with the new cluster settings");
            return;
        }
        try {
            LOG.info("Restarting Cellar's Hazelcast with the new cluster settings");
            cellar.stop(Bundle.STOP_TRANSIENT);
            cellar.start(Bundle.START_TRANSIENT);
        } catch (BundleException | IllegalStateException e) {
            LOG.error("Restarting Cellar failed: {}; restart the node to apply the cluster settings", e.getMessage());
        }
    }

    /** The secret does not open what the cluster's primary wrote. */
    private static final class WrongSecret extends Exception {
    }

    /**
     * Waits until the other cluster's primary is visible from here. Fails fast when the primary's sealed
     * entries (the proof it keeps refreshed, its claim) are there but do not open with the secret given.
     */
    private String awaitPrimary(String target) throws MembershipException, WrongSecret {
        ServiceTracker<ClusterView, ClusterView> views = new ServiceTracker<>(context, ClusterView.class, null);
        ServiceTracker<HazelcastSharedState, HazelcastSharedState> states = new ServiceTracker<>(context, HazelcastSharedState.class, null);
        views.open();
        states.open();
        try {
            long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(60);
            while (System.currentTimeMillis() < deadline) {
                try {
                    HazelcastSharedState state = states.getService();
                    if (state != null && (state.opens(ClusterNode.PROOF, ClusterNode.PROOF_KEY).equals(Optional.of(false))
                            || state.opens(ClusterKeys.PRIMARY, ClusterKeys.PRIMARY_KEY).equals(Optional.of(false)))) {
                        throw new WrongSecret();
                    }
                    ClusterView view = views.getService();
                    if (view != null) {
                        var primary = view.primary();
                        if (primary.isPresent() && !primary.get().id().equals(view.localNode().id())) {
                            return "Attached to cluster " + view.config().name() + " (primary: " + primary.get().name()
                                    + ", " + view.nodes().size() + " nodes)";
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.debug("Cluster state not readable yet: {}", e.toString()); // Hazelcast restarting
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            views.close();
            states.close();
        }
        throw new MembershipException("no primary answered at " + target + " within 60 s: check the address, the "
                + "secret and that the primary's cluster port is reachable; this node keeps trying to join it");
    }
}
