package io.strato.role.dea;

import io.strato.api.app.InstanceOrder;
import io.strato.api.net.PortGuard;
import io.strato.api.sandbox.UidRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What app instances on this node may connect to inside the cluster: the routers' HTTP ports (apps call
 * other apps by their URL), DNS on loopback, and the host and port of each service bound to them, each
 * for its own app's uid only. Every other new TCP connection from an app uid to a cluster node (loopback
 * included) is refused: the cluster port, Karaf SSH, JMX, the node's HTTP port, other apps' instance
 * ports and data-service instances they are not bound to. Connections off the cluster are left alone.
 * Enforced with two iptables chains of the DEA's own ({@link PortGuard}), rebuilt when its instances or
 * the cluster change: its allowances first in {@code OUTPUT} (ACCEPT), its refusals last. So several DEAs
 * on one machine never refuse each other's apps what their own DEA allowed.
 */
final class AppEgress implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AppEgress.class);

    /** What app uids may reach (first in OUTPUT) and what they may not (last). */
    record Rules(List<List<String>> allowed, List<List<String>> refused) {
    }

    private final PortGuard allowed;
    private final PortGuard refused;
    private final UidRange uids;
    private Rules current = new Rules(List.of(), List.of());

    private AppEgress(PortGuard allowed, PortGuard refused, UidRange uids) {
        this.allowed = allowed;
        this.refused = refused;
        this.uids = uids;
    }

    static AppEgress open(String deaId, UidRange uids) throws IOException {
        String id = String.format("%04x", deaId.hashCode() & 0xffff);
        PortGuard allowed = PortGuard.open("STRATO-DEA-" + id, PortGuard.Placement.FIRST);
        try {
            return new AppEgress(allowed, PortGuard.open("STRATO-DEA-" + id + "-NO", PortGuard.Placement.LAST), uids);
        } catch (IOException | RuntimeException e) {
            allowed.close();
            throw e;
        }
    }

    boolean active() {
        return allowed.active();
    }

    /**
     * Makes the rules match what runs now.
     *
     * @param running      orders of the instances this DEA runs
     * @param nodeAddresses the addresses of the cluster's nodes (this one's included)
     * @param routerPorts  the HTTP ports of the cluster's routers
     */
    synchronized void update(Collection<InstanceOrder> running, Collection<String> nodeAddresses,
                             Collection<Integer> routerPorts) {
        Rules rules = rules(uids, running, nodeAddresses, routerPorts);
        if (rules.equals(current)) {
            return;
        }
        try {
            // allowances before refusals: a new instance's services are open before anything else closes
            allowed.replace(rules.allowed());
            refused.replace(rules.refused());
            current = rules;
        } catch (IOException e) {
            LOG.warn("Could not update the network rules of app instances: {}", e.getMessage());
        }
    }

    static Rules rules(UidRange uids, Collection<InstanceOrder> running, Collection<String> nodeAddresses,
                                    Collection<Integer> routerPorts) {
        String all = uids.from() + "-" + uids.to();
        List<List<String>> rules = new ArrayList<>();
        for (int port : new TreeSet<>(routerPorts)) {
            rules.add(allow(all, null, port));
        }
        rules.add(allow(all, "127.0.0.0/8", 53));
        List<List<String>> refusals = new ArrayList<>();
        Set<List<String>> bound = new LinkedHashSet<>();
        for (InstanceOrder order : running) {
            for (String[] hostPort : VcapServices.hostPorts(order.services())) {
                resolve(hostPort[0]).ifPresent(ip -> bound.add(allow(String.valueOf(order.appUid()), ip,
                        Integer.parseInt(hostPort[1]))));
            }
        }
        rules.addAll(bound);
        Set<String> closed = new TreeSet<>();
        closed.add("127.0.0.0/8");
        nodeAddresses.forEach(a -> resolve(a).filter(ip -> !ip.startsWith("127.") && !ip.equals("0.0.0.0"))
                .ifPresent(closed::add));
        for (String destination : closed) {
            refusals.add(List.of("-p", "tcp", "--syn", "-m", "owner", "--uid-owner", all, "-d", destination,
                    "-j", "REJECT", "--reject-with", "tcp-reset"));
        }
        return new Rules(rules, refusals);
    }

    private static List<String> allow(String uid, String destination, int port) {
        List<String> rule = new ArrayList<>(List.of("-p", "tcp", "--syn", "-m", "owner", "--uid-owner", uid));
        if (destination != null) {
            rule.addAll(List.of("-d", destination));
        }
        rule.addAll(List.of("--dport", String.valueOf(port), "-j", "ACCEPT"));
        return rule;
    }

    /** IPv4 only: the rules are iptables (IPv4) rules. */
    private static java.util.Optional<String> resolve(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            return address instanceof java.net.Inet4Address ? java.util.Optional.of(address.getHostAddress())
                    : java.util.Optional.empty();
        } catch (UnknownHostException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public void close() {
        refused.close();
        allowed.close();
    }
}
