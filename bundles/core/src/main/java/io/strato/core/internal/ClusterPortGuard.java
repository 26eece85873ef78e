package io.strato.core.internal;

import io.strato.api.net.PortGuard;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps other local users (apps, their staging hooks, anything not the node) off this node's cluster port:
 * when the node runs as root and iptables is there, new local TCP connections to the Hazelcast port range
 * are refused unless they come from the node's own uid. The rules live in a chain of their own,
 * {@code STRATO-CLUSTER-<port>}, jumped to from OUTPUT, and go when the node stops (or, after a crash, when
 * it starts again). Says once what it enforces or why it does not.
 */
@Component(immediate = true)
public class ClusterPortGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterPortGuard.class);

    private final PortGuard guard;

    @Activate
    public ClusterPortGuard() {
        PortGuard opened = null;
        String range = "?";
        try {
            int[] ports = new HazelcastXml(Path.of(System.getProperty("karaf.etc", "etc")).resolve("hazelcast.xml")).portRange();
            range = ports[0] == ports[1] ? String.valueOf(ports[0]) : ports[0] + "-" + ports[1];
            opened = PortGuard.open(chain(ports[0]));
            if (opened.active()) {
                int uid = PortGuard.nodeUid();
                Map<Integer, List<Integer>> rules = new TreeMap<>();
                for (int port = ports[0]; port <= ports[1]; port++) {
                    rules.put(port, List.of(uid));
                }
                opened.replace(PortGuard.onlyUidsMayConnect(rules));
                LOG.info("Cluster port {} protected on this machine: only uid {} (this node) may connect to it locally "
                        + "(iptables chain {})", range, uid, opened.chain());
            } else {
                LOG.info("Cluster port {} not protected from other local users (the node is not root or iptables is "
                        + "missing); they can connect to it, but cannot read or forge the sealed cluster state", range);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cluster port {} not protected from other local users: {}", range, e.getMessage());
            if (opened != null) {
                opened.close();
                opened = null;
            }
        }
        this.guard = opened;
    }

    static String chain(int port) {
        return "STRATO-CLUSTER-" + port;
    }

    @Deactivate
    void deactivate() {
        if (guard != null && guard.active()) {
            guard.close();
            LOG.info("Cluster port protection removed (iptables chain {})", guard.chain());
        }
    }
}
