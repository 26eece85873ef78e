package io.strato.api.net;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One iptables chain of Strato's own in the filter table's {@code OUTPUT}, holding rules about connections that
 * processes of this machine open. The guard owns the chain: {@link #replace} swaps all its rules at once,
 * {@link #close} removes the chain and the jump to it, and opening a guard on a chain a killed node left behind
 * takes it over.
 *
 * <p>Rules live in one of two generation chains ({@code <chain>-1}, {@code <chain>-2}); the owned chain has one
 * rule, a jump to the current generation. A replace fills the other generation and then rewrites that one jump,
 * so a packet sees either the old rule set or the new one, never half of one.
 *
 * <p>The guard needs root and {@code iptables} (Debian: {@code apt-get install iptables}). Without either it logs
 * once and does nothing ({@link #active()} is false): rules are a protection the node adds where it can.
 *
 * <p>What {@link #onlyUidsMayConnect} builds matches the TCP SYN of new connections to a local address (loopback
 * or one of the node's own) on a port: accepted from the listed uids, refused (TCP reset, "connection refused")
 * from any other local process. Connections from other machines do not pass {@code OUTPUT} and are not affected.
 */
public final class PortGuard implements AutoCloseable {

    /** Runs one iptables command (arguments after {@code iptables -w}); its output, or an exception naming why it failed. */
    @FunctionalInterface
    public interface Iptables {
        String run(List<String> args) throws IOException;
    }

    private static final System.Logger LOG = System.getLogger(PortGuard.class.getName());
    private static final Pattern CHAIN = Pattern.compile("[A-Za-z0-9_-]{1,26}");
    private static final String JUMP = "OUTPUT";

    /** Where the jump to the chain goes in {@code OUTPUT}. */
    public enum Placement {
        /** Before every rule there: for rules that decide (accept or refuse) a connection first. */
        FIRST,
        /** After every rule there: for refusals that apply only to what no earlier chain accepted. */
        LAST
    }

    private final String chain;
    private final Placement placement;
    private final Iptables iptables;
    private int generation;
    private boolean open;

    private PortGuard(String chain, Placement placement, Iptables iptables) {
        this.chain = chain;
        this.placement = placement;
        this.iptables = iptables;
    }

    /**
     * Opens the chain with the machine's iptables, jumped to from the top of {@code OUTPUT}, with no rules yet. When
     * the node is not root or has no iptables, logs once why and returns a guard that does nothing.
     *
     * @param chain 1 to 26 letters, digits, {@code -} or {@code _}; e.g. from {@link #serviceChain}
     * @throws IOException when iptables is there but refuses to set up the chain
     */
    public static PortGuard open(String chain) throws IOException {
        return open(chain, Placement.FIRST);
    }

    /** {@link #open(String)} with the jump where {@code placement} says. */
    public static PortGuard open(String chain, Placement placement) throws IOException {
        String missing = missingPrerequisite();
        if (missing != null) {
            LOG.log(Level.WARNING, "iptables chain " + checked(chain) + " is not set: " + missing
                    + "; local processes are not kept off the ports it would guard");
            return new PortGuard(chain, placement, null);
        }
        return open(chain, placement, PortGuard::runIptables);
    }

    /** Opens the chain through {@code iptables} (a recorder in tests, another runner elsewhere). */
    public static PortGuard open(String chain, Iptables iptables) throws IOException {
        return open(chain, Placement.FIRST, iptables);
    }

    /** Opens the chain through {@code iptables}, its jump where {@code placement} says. */
    public static PortGuard open(String chain, Placement placement, Iptables iptables) throws IOException {
        PortGuard guard = new PortGuard(checked(chain), placement, iptables);
        guard.setUp();
        return guard;
    }

    /**
     * A chain name for a service plugin: {@code STRATO-SVC-<LABEL>-<4 hex digits of where>}, where {@code where}
     * tells two nodes on one machine apart (e.g. the plugin's data directory).
     */
    public static String serviceChain(String label, String where) {
        String name = label.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
        name = name.substring(0, Math.min(name.length(), 10));
        return "STRATO-SVC-" + name + "-" + String.format("%04x", where.hashCode() & 0xffff);
    }

    /** Whether rules are really set (root and iptables were there). */
    public boolean active() {
        return iptables != null;
    }

    public String chain() {
        return chain;
    }

    /**
     * Makes {@code rules} the chain's rules, in order, replacing all it had. Each rule is what follows
     * {@code iptables -A <chain>}, e.g. {@code [-p, tcp, --dport, 80, -j, REJECT]}.
     *
     * @throws IOException when iptables refuses a rule; the chain keeps its previous rules then
     */
    public synchronized void replace(List<List<String>> rules) throws IOException {
        if (!active()) {
            return;
        }
        if (!open) {
            throw new IllegalStateException("iptables chain " + chain + " is closed");
        }
        int next = generation == 1 ? 2 : 1;
        String target = chain + "-" + next;
        dropChain(target);
        iptables.run(List.of("-N", target));
        try {
            for (List<String> rule : rules) {
                List<String> args = new ArrayList<>(List.of("-A", target));
                args.addAll(rule);
                iptables.run(args);
            }
            if (generation == 0) {
                iptables.run(List.of("-A", chain, "-j", target));
            } else {
                iptables.run(List.of("-R", chain, "1", "-j", target));
            }
        } catch (IOException e) {
            dropChain(target);
            throw e;
        }
        if (generation != 0) {
            dropChain(chain + "-" + generation);
        }
        generation = next;
    }

    /** Removes the jump from {@code OUTPUT}, the chain and its rules. Errors are logged, not thrown. */
    @Override
    public synchronized void close() {
        if (!active() || !open) {
            return;
        }
        open = false;
        try {
            tearDown();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove iptables chain " + chain + ": " + e.getMessage());
        }
    }

    /**
     * Rules by which, for each port, only the listed uids may open TCP connections to it on this machine; every
     * other local process gets "connection refused". Ports and uids come out sorted, so equal inputs give equal rules.
     */
    public static List<List<String>> onlyUidsMayConnect(Map<Integer, ? extends Collection<Integer>> uidsByPort) {
        List<List<String>> rules = new ArrayList<>();
        new TreeMap<>(uidsByPort).forEach((port, uids) -> {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("not a port: " + port);
            }
            List<String> match = List.of("-p", "tcp", "--syn", "-m", "addrtype", "--dst-type", "LOCAL",
                    "--dport", Integer.toString(port));
            for (int uid : new TreeSet<>(uids)) {
                if (uid < 0) {
                    throw new IllegalArgumentException("not a uid: " + uid);
                }
                List<String> accept = new ArrayList<>(match);
                accept.addAll(List.of("-m", "owner", "--uid-owner", Integer.toString(uid), "-j", "ACCEPT"));
                rules.add(accept);
            }
            List<String> reject = new ArrayList<>(match);
            reject.addAll(List.of("-j", "REJECT", "--reject-with", "tcp-reset"));
            rules.add(reject);
        });
        return rules;
    }

    /** The uid this JVM runs as: the node's, which a plugin lets through to check its own servers. */
    public static int nodeUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    private void setUp() throws IOException {
        tearDown();
        iptables.run(List.of("-N", chain));
        iptables.run(placement == Placement.FIRST ? List.of("-I", JUMP, "1", "-j", chain) : List.of("-A", JUMP, "-j", chain));
        open = true;
        generation = 0;
    }

    /** Removes whatever of the chain exists: from this guard, or left by a node that was killed. */
    private void tearDown() throws IOException {
        while (exists(List.of("-C", JUMP, "-j", chain))) {
            iptables.run(List.of("-D", JUMP, "-j", chain));
        }
        dropChain(chain);
        dropChain(chain + "-1");
        dropChain(chain + "-2");
    }

    private void dropChain(String name) throws IOException {
        if (exists(List.of("-S", name))) {
            iptables.run(List.of("-F", name));
            iptables.run(List.of("-X", name));
        }
    }

    private boolean exists(List<String> check) {
        try {
            iptables.run(check);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String checked(String chain) {
        if (chain == null || !CHAIN.matcher(chain).matches()) {
            throw new IllegalArgumentException("an iptables chain name of 1 to 26 letters, digits, - or _, not " + chain);
        }
        return chain;
    }

    /** Why rules cannot be set here, or null when they can. */
    private static String missingPrerequisite() {
        try {
            if (nodeUid() != 0) {
                return "the node does not run as root";
            }
        } catch (IOException | RuntimeException e) {
            return "cannot tell the node's uid (" + e.getMessage() + ")";
        }
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, "iptables"))) {
                return null;
            }
        }
        return "iptables is not installed (apt-get install iptables)";
    }

    private static String runIptables(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of("iptables", "-w"));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATH", "/usr/sbin:/sbin:/usr/bin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("iptables " + String.join(" ", args) + " did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted running iptables", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("iptables " + String.join(" ", args) + " failed (exit " + p.exitValue() + "): " + out);
        }
        return out;
    }
}
