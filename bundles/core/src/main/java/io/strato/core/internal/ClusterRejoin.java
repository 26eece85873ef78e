package io.strato.core.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.Member;
import com.hazelcast.instance.HazelcastInstanceProxy;
import com.hazelcast.nio.Address;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a node back into its cluster when the cluster transport's own split-brain merge does not. After a
 * pause (SIGSTOP, a long GC, a suspended VM) or a partition, Hazelcast merges the smaller side into the bigger
 * one only if the smaller side's master finds the bigger side's master among its join addresses and both
 * agree on who is master; a node that resumes while its view of the members is still settling can stay a
 * cluster of its own for minutes. This watchdog looks every few seconds at the members this node knows of
 * ({@link Membership#knownMembers()}): when some are missing from the running cluster for {@link #GRACE},
 * this node is on the smaller side (or on the side an even split picks) and a missing member answers at its
 * cluster port, it merges this node into that member's cluster, as the transport's own merge would.
 */
@Component(service = {ClusterRejoin.class, Quorum.class}, immediate = true)
public class ClusterRejoin implements Quorum {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterRejoin.class);
    /** How long the transport gets to merge by itself (it tries every 5 s) before this node steps in. */
    static final Duration GRACE = Duration.ofSeconds(20);
    private static final Duration CHECK_EVERY = Duration.ofSeconds(5);
    private static final int CONNECT_TIMEOUT_MS = 1000;

    private final HazelcastInstance hazelcast;
    private final Membership membership;
    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strato-cluster-rejoin");
        t.setDaemon(true);
        return t;
    });
    private long cutOffSince;

    @Activate
    public ClusterRejoin(@Reference HazelcastInstance hazelcast, @Reference Membership membership) {
        this.hazelcast = hazelcast;
        this.membership = membership;
        checks.scheduleWithFixedDelay(this::check, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Deactivate
    public void deactivate() {
        checks.shutdownNow();
    }

    private SortedSet<String> running() {
        SortedSet<String> running = new TreeSet<>();
        for (Member m : hazelcast.getCluster().getMembers()) {
            running.add(PeerMemory.address(m));
        }
        return running;
    }

    /** On the side of a split that moves (see {@link #mergeTarget}): the other side may act as the cluster. */
    @Override
    public Optional<String> cutOff() {
        SortedSet<String> running = running();
        List<String> known = membership.knownMembers();
        if (mergeTarget(running, known, address -> true).isEmpty()) {
            return Optional.empty();
        }
        List<String> missing = known.stream().filter(a -> !running.contains(a)).distinct().sorted().toList();
        return Optional.of("it cannot see " + missing.size() + " of the " + (running.size() + missing.size())
                + " cluster members it knows (" + String.join(", ", missing) + ")");
    }

    private void check() {
        try {
            SortedSet<String> running = running();
            Optional<String> target = mergeTarget(running, membership.knownMembers(), address -> true);
            if (target.isEmpty()) {
                cutOffSince = 0;
                return;
            }
            long now = System.nanoTime();
            if (cutOffSince == 0) {
                cutOffSince = now;
                return;
            }
            if (now - cutOffSince < GRACE.toNanos()) {
                return;
            }
            Optional<String> reachable = mergeTarget(running, membership.knownMembers(), ClusterRejoin::answers);
            if (reachable.isPresent()) {
                cutOffSince = 0;
                merge(running, reachable.get());
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not check whether this node is cut off from its cluster: {}", e.toString());
        }
    }

    /**
     * The member this node should merge into, if any: one it knows of that is not in the running cluster and
     * answers, when this node's side is the smaller one, or an even split and this side's lowest address sorts
     * after the other side's (the other side sees the same split the other way round, so one side moves).
     */
    static Optional<String> mergeTarget(SortedSet<String> running, Collection<String> known,
                                        Predicate<String> answers) {
        SortedSet<String> missing = new TreeSet<>(known);
        missing.removeAll(running);
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        int expected = running.size() + missing.size();
        boolean smaller = running.size() * 2 < expected;
        boolean evenAndOurs = running.size() * 2 == expected
                && running.first().compareTo(missing.first()) > 0;
        if (!smaller && !evenAndOurs) {
            return Optional.empty();
        }
        return missing.stream().filter(answers).findFirst();
    }

    /** Whether something accepts connections at {@code host:port} (within a second). */
    static boolean answers(String address) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, Integer.parseInt(address.substring(colon + 1))), CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void merge(SortedSet<String> running, String target) {
        if (!(hazelcast instanceof HazelcastInstanceProxy proxy)) {
            LOG.warn("This node has been cut off from cluster member {} for more than {} s, but its cluster transport "
                    + "cannot be told to rejoin; restart the node to rejoin", target, GRACE.toSeconds());
            return;
        }
        LOG.warn("This node has been cut off from its cluster for more than {} s (it sees {}; {} answers but is not "
                + "among them): merging this node back into the cluster of {}", GRACE.toSeconds(), List.copyOf(running),
                target, target);
        try {
            int colon = target.lastIndexOf(':');
            proxy.getOriginal().node.getClusterService()
                    .merge(new Address(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1))));
        } catch (Exception e) {
            LOG.warn("Could not merge this node back into the cluster of {}: {}", target, e.toString());
        }
    }
}
