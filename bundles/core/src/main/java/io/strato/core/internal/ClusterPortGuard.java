package io.strato.core.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keeps other local users (apps, their staging hooks, anything not the node) off this node's cluster port:
 * when the node runs as root and iptables is there, new local TCP connections to the Hazelcast port range
 * are rejected unless they come from the node's own uid. The rules live in a chain of their own,
 * {@code STRATO-CLUSTER-<port>}, jumped to from OUTPUT, and go when the node stops (or, after a crash, when
 * it starts again). Says once what it enforces or why it does not.
 */
@Component(immediate = true)
public class ClusterPortGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterPortGuard.class);
    private static final List<String> IPTABLES = List.of("/usr/sbin/iptables", "/sbin/iptables", "/usr/bin/iptables");

    private final String iptables;
    private final String chain;

    @Activate
    public ClusterPortGuard() {
        Path etc = Path.of(System.getProperty("karaf.etc", "etc"));
        int[] ports;
        try {
            ports = new HazelcastXml(etc.resolve("hazelcast.xml")).portRange();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cluster port not protected on this machine: cannot read its port from etc/hazelcast.xml ({})", e.getMessage());
            iptables = null;
            chain = null;
            return;
        }
        String range = ports[0] == ports[1] ? String.valueOf(ports[0]) : ports[0] + ":" + ports[1];
        long uid = uid();
        String found = IPTABLES.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        if (uid != 0) {
            LOG.info("Cluster port {} not protected from other local users: the node does not run as root (uid {}), so it "
                    + "cannot set firewall rules; other users of this machine can connect to it (they cannot read or forge "
                    + "sealed cluster state)", range, uid);
        } else if (found == null) {
            LOG.info("Cluster port {} not protected from other local users: iptables is not installed (apt-get install "
                    + "iptables); other users of this machine can connect to it (they cannot read or forge sealed cluster "
                    + "state)", range);
        }
        String name = "STRATO-CLUSTER-" + ports[0];
        if (uid == 0 && found != null) {
            removeRules(found, name);
            List<String> errors = new ArrayList<>();
            boolean ok = run(found, errors, "-N", name)
                    && run(found, errors, "-A", name, "-o", "lo", "-p", "tcp", "--syn", "--dport", range, "-m", "owner",
                    "!", "--uid-owner", String.valueOf(uid), "-j", "REJECT", "--reject-with", "tcp-reset")
                    && run(found, errors, "-I", "OUTPUT", "-j", name);
            if (ok) {
                LOG.info("Cluster port {} protected on this machine: only uid {} (this node) may connect to it locally "
                        + "(iptables chain {})", range, uid, name);
                iptables = found;
                chain = name;
                return;
            }
            removeRules(found, name);
            LOG.warn("Cluster port {} not protected from other local users: iptables refused the rules ({})", range,
                    String.join("; ", errors));
        }
        iptables = null;
        chain = null;
    }

    @Deactivate
    void deactivate() {
        if (iptables != null) {
            removeRules(iptables, chain);
            LOG.info("Cluster port protection removed (iptables chain {})", chain);
        }
    }

    private static void removeRules(String iptables, String chain) {
        List<String> ignored = new ArrayList<>();
        for (int i = 0; i < 10 && run(iptables, ignored, "-D", "OUTPUT", "-j", chain); i++) {
            // a jump left behind by a node that was killed: remove every copy
        }
        run(iptables, ignored, "-F", chain);
        run(iptables, ignored, "-X", chain);
    }

    private static boolean run(String iptables, List<String> errors, String... args) {
        List<String> command = new ArrayList<>(List.of(iptables, "-w"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                errors.add(String.join(" ", args) + ": timed out");
                return false;
            }
            if (p.exitValue() != 0) {
                errors.add(String.join(" ", args) + ": " + out);
                return false;
            }
            return true;
        } catch (IOException e) {
            errors.add(e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long uid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }
}
