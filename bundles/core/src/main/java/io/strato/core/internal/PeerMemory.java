package io.strato.core.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.Member;
import com.hazelcast.core.MembershipAdapter;
import com.hazelcast.core.MembershipEvent;
import io.strato.api.cluster.ClusterSecret;
import io.strato.api.cluster.Registration;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.SharedState;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells {@link Membership} who the other cluster members are whenever that changes, so a restarted node
 * joins them at start instead of forming a cluster of its own. Only members that proved they hold the
 * secret count: each node writes a sealed entry (its node id) under its own cluster address into {@value #MEMBERS}, and a
 * Hazelcast member without one (a process that is not a node, a node attached with a wrong secret) is never
 * remembered. A node that detaches withdraws its entry, and the others forget it. A member the transport drops is
 * a node gone ({@link ClusterNode#memberLost}).
 */
@Component(service = PeerMemory.class, immediate = true)
public class PeerMemory {

    private static final Logger LOG = LoggerFactory.getLogger(PeerMemory.class);
    static final String MEMBERS = "strato.members";

    private final HazelcastInstance hazelcast;
    private final Membership membership;
    private final String secret;
    private final SharedMap members;
    private final String self;
    private final String listener;
    private final Registration memberEntries;

    @Activate
    public PeerMemory(@Reference HazelcastInstance hazelcast, @Reference Membership membership,
                      @Reference ClusterSecret secret, @Reference SharedState state, @Reference ClusterNode node) {
        this.hazelcast = hazelcast;
        this.membership = membership;
        this.secret = secret.value();
        this.members = state.map(MEMBERS);
        this.self = address(hazelcast.getCluster().getLocalMember());
        members.put(self, node.localNode().id());
        this.memberEntries = members.listen((address, value) -> {
            if (value.isEmpty() && !address.equals(self)) {
                forget(address);
            }
            remember();
        });
        this.listener = hazelcast.getCluster().addMembershipListener(new MembershipAdapter() {
            @Override
            public void memberAdded(MembershipEvent event) {
                remember();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                members.get(address(event.getMember())).ifPresent(node::memberLost);
                remember();
            }
        });
        remember();
    }

    static String address(Member m) {
        return m.getAddress().getHost() + ":" + m.getAddress().getPort();
    }

    private void remember() {
        List<String> others = hazelcast.getCluster().getMembers().stream().filter(m -> !m.localMember())
                .map(PeerMemory::address).filter(a -> members.get(a).isPresent()).toList();
        membership.rememberPeers(secret, others);
        try { // the running transport looks for them too when it searches for a split-off part of its cluster
            List<String> joinList = hazelcast.getConfig().getNetworkConfig().getJoin().getTcpIpConfig().getMembers();
            others.stream().filter(a -> !joinList.contains(a)).forEach(joinList::add);
        } catch (RuntimeException e) {
            LOG.debug("Could not add {} to the running join list: {}", others, e.toString());
        }
    }

    /** A node that left on purpose: not a peer to rejoin, neither after a restart nor by the running transport. */
    private void forget(String address) {
        membership.forgetPeer(secret, address);
        try {
            hazelcast.getConfig().getNetworkConfig().getJoin().getTcpIpConfig().getMembers().remove(address);
        } catch (RuntimeException e) {
            LOG.debug("Could not drop {} from the running join list: {}", address, e.toString());
        }
    }

    /** Called before this node leaves its cluster: the others forget it. */
    void withdraw() {
        members.remove(self);
    }

    @Deactivate
    public void deactivate() {
        memberEntries.close();
        hazelcast.getCluster().removeMembershipListener(listener);
    }
}
