package io.strato.core.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.Member;
import com.hazelcast.core.MembershipAdapter;
import com.hazelcast.core.MembershipEvent;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Tells {@link Membership} who the other cluster members are whenever that changes, so a restarted node
 * joins them at start instead of forming a cluster of its own.
 */
@Component(immediate = true)
public class PeerMemory {

    private final HazelcastInstance hazelcast;
    private final Membership membership;
    private final String listener;

    @Activate
    public PeerMemory(@Reference HazelcastInstance hazelcast, @Reference Membership membership) {
        this.hazelcast = hazelcast;
        this.membership = membership;
        this.listener = hazelcast.getCluster().addMembershipListener(new MembershipAdapter() {
            @Override
            public void memberAdded(MembershipEvent event) {
                remember();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                remember();
            }
        });
        remember();
    }

    private void remember() {
        List<String> others = hazelcast.getCluster().getMembers().stream().filter(m -> !m.localMember())
                .map(Member::getAddress).map(a -> a.getHost() + ":" + a.getPort()).toList();
        membership.rememberPeers(hazelcast.getConfig().getGroupConfig().getName(), others);
    }

    @Deactivate
    public void deactivate() {
        hazelcast.getCluster().removeMembershipListener(listener);
    }
}
