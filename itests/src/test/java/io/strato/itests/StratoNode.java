package io.strato.itests;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One assembled Strato node running as its own process on 127.0.0.1, with its own ports. Unpacked from
 * the distribution tar.gz into its own directory; commands go through Karaf's {@code bin/client}. Always
 * {@link #close() closed}: the Karaf JVM and every child are killed.
 */
final class StratoNode implements AutoCloseable {

    private static final Path DISTRIBUTION = Path.of(System.getProperty("strato.distribution",
            "../karaf-assembly/target/strato-0.1.0-SNAPSHOT.tar.gz"));

    /** Strato's version, as its artifacts in a node's Maven repository (system/) carry it. */
    static final String VERSION = System.getProperty("strato.version", "0.1.0-SNAPSHOT");

    /** The JDK running the tests runs the nodes too (and keeps Karaf's scripts from warning about it). */
    private static final String JAVA_HOME = System.getProperty("java.home");

    final String name;
    final Path home;
    final int sshPort;
    final int httpPort;
    final int clusterPort;
    private Process process;
    private boolean partitioned;
    /** Nodes of this test JVM whose Karaf runs. */
    private static final java.util.Set<StratoNode> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static final int OUTBOUND_FIRST = 60;
    private static final int OUTBOUND_LAST = 79;

    /** Ports are 20000 + 100 * slot + n, away from a micro cloud's defaults. */
    StratoNode(String name, int slot, Path workDir) throws IOException, InterruptedException {
        this.name = name;
        int base = 20000 + 100 * slot;
        this.sshPort = base + 1;
        this.httpPort = base + 2;
        this.clusterPort = base + 3;
        Path dir = workDir.resolve(name);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        exec(dir, "tar", "xzf", DISTRIBUTION.toAbsolutePath().toString(), "--strip-components=1");
        this.home = dir;
        edit("etc/org.apache.karaf.shell.cfg", "sshPort = 8101", "sshPort = " + sshPort);
        edit("etc/org.apache.karaf.management.cfg", "rmiRegistryPort = 1099", "rmiRegistryPort = " + (base + 4));
        edit("etc/org.apache.karaf.management.cfg", "rmiServerPort = 44444", "rmiServerPort = " + (base + 5));
        edit("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port = 8181", "org.osgi.service.http.port = " + httpPort);
        edit("etc/hazelcast.xml", "<port auto-increment=\"false\">5701</port>", "<port auto-increment=\"false\">" + clusterPort + "</port>");
        // its own range for connections it opens to other members, so that a test can cut all its cluster traffic
        edit("etc/hazelcast.xml", "<ports>0</ports>", "<ports>" + (base + OUTBOUND_FIRST) + "-" + (base + OUTBOUND_LAST) + "</ports>");
        edit("etc/system.properties", "karaf.name = root", "karaf.name = " + name);
    }

    /**
     * The node's store mode (docs/store.md), set before it starts: {@code server} serves its Derby to the cluster on
     * 127.0.0.1 and a port of the node's own, {@code client} uses the one the cluster's server node publishes.
     */
    void storeMode(String mode) throws IOException {
        String server = mode.equals("server") ? "serverHost = 127.0.0.1\nserverPort = " + storePort() + "\n" : "";
        Files.writeString(home.resolve("etc/io.strato.store.cfg"), "mode = " + mode + "\n" + server);
    }

    /** The port the node serves its store on in mode server. */
    int storePort() {
        return clusterPort + 6;
    }

    /** Replaces text in one of the node's files (before it starts). */
    void edit(String file, String from, String to) throws IOException {
        Path p = home.resolve(file);
        String text = Files.readString(p);
        if (!text.contains(from)) {
            throw new IllegalStateException(file + " does not contain '" + from + "'");
        }
        Files.writeString(p, text.replace(from, to));
    }

    StratoNode start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bin/karaf", "server").directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(home.resolve("console.log").toFile());
        pb.environment().put("JAVA_HOME", JAVA_HOME);
        process = pb.start();
        RUNNING.add(this);
        return this;
    }

    /** Waits until every node is READY, all at once. */
    static void awaitAllReady(List<StratoNode> nodes) {
        java.util.concurrent.CompletableFuture.allOf(nodes.stream().map(n -> java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                n.awaitReady(Duration.ofSeconds(180));
            } catch (Exception e) {
                throw new IllegalStateException(n.name + " did not become READY", e);
            }
        })).toArray(java.util.concurrent.CompletableFuture[]::new)).join();
    }

    /** Seconds since a {@link System#nanoTime()} reading, for the figures tests print. */
    static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    /** Waits until the shell answers and the node reports itself READY. */
    StratoNode awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited early; see " + home.resolve("console.log"));
            }
            if (Files.exists(home.resolve("etc/strato-admin.password"))) {
                status = shellOnce("kato:status", 20);
                if (status.contains("(READY)")) {
                    return this;
                }
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException(name + " not READY within " + timeout + "; log: " + home.resolve("data/log/karaf.log")
                + "; last status:\n" + status);
    }

    String password() throws IOException {
        return Files.readString(home.resolve("etc/strato-admin.password")).trim();
    }

    /** Runs a shell command and returns what it printed (errors included). */
    String shell(String command) throws Exception {
        return shellOnce(command, 120);
    }

    private String shellOnce(String command, int timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bin/client", "-u", "admin", "-p", password(), "-a", String.valueOf(sshPort),
                "-h", "127.0.0.1", "-r", "3", "-b").directory(home.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", JAVA_HOME);
        Process client = pb.start();
        try (OutputStream in = client.getOutputStream()) {
            in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = client.getInputStream().readAllBytes();
        if (!client.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new IllegalStateException("'" + command + "' on " + name + " did not finish in " + timeoutSeconds + " s");
        }
        return new String(out, StandardCharsets.UTF_8).replaceAll("\u001B\\[[;\\d]*m", "");
    }

    /** Polls a command until its output satisfies {@code until}; @return that output */
    String awaitShell(String command, Predicate<String> until, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = shell(command);
            if (until.test(last)) {
                return last;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(name + ": '" + command + "' never matched within " + timeout + "; last output:\n" + last);
    }

    int httpGet(String path, StringBuilder body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + httpPort + path).toURL().openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(10000);
        int code = c.getResponseCode();
        var stream = code >= 400 ? c.getErrorStream() : c.getInputStream();
        if (stream != null) {
            body.append(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
        }
        return code;
    }

    /** A request through the router on 127.0.0.1:{@code port} for {@code host}; @return status line and body */
    static String routerGet(int port, String host) throws IOException {
        return routerGet(port, host, "/");
    }

    /** A request for {@code path} through the router on 127.0.0.1:{@code port} for {@code host}; @return status line and body */
    static String routerGet(int port, String host, String path) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int headersEnd = response.indexOf("\r\n\r\n");
            String statusLine = response.substring(0, response.indexOf("\r\n"));
            return statusLine + "\n" + (headersEnd < 0 ? "" : response.substring(headersEnd + 4));
        }
    }

    /** Runs the node's {@code bin/strato} CLI with its own config dir; @return exit code and output */
    CliResult cli(Path cliHome, Path workDir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(home.resolve("bin/strato").toAbsolutePath().toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", JAVA_HOME);
        pb.environment().put("STRATO_HOME", cliHome.toAbsolutePath().toString());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("strato " + String.join(" ", args) + " did not finish in 300 s");
        }
        return new CliResult(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    record CliResult(int exit, String output) {
    }

    String log() throws IOException {
        return Files.readString(home.resolve("data/log/karaf.log"));
    }

    /**
     * Freezes (SIGSTOP) or thaws (SIGCONT) the node's Karaf JVM, not its app instances: to the other nodes a
     * frozen node looks like one cut off the network.
     */
    void signalJvm(String signal) throws IOException, InterruptedException {
        // the Karaf JVM only: servers the node runs in JVMs of their own (the store's Derby server) are not the node
        List<ProcessHandle> jvms = process.descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .filter(h -> h.info().arguments().map(a -> List.of(a).contains("org.apache.karaf.main.Main")).orElse(true)).toList();
        if (jvms.isEmpty()) {
            throw new IllegalStateException(name + " has no Karaf JVM to signal");
        }
        for (ProcessHandle jvm : jvms) {
            new ProcessBuilder("kill", "-" + signal, String.valueOf(jvm.pid())).start().waitFor();
        }
    }

    /**
     * kill -9 of the node's Karaf JVM alone, as a crash of it would: what the node runs as processes of their own
     * (a database server, app instances) is left to what they do when their parent dies.
     */
    void killKarafJvm() throws IOException, InterruptedException {
        signalJvm("KILL");
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** kill -9 of the whole node: the Karaf JVM and its children. */
    void kill() throws InterruptedException {
        if (partitioned) {
            try {
                partition(false); // no rule outlives the test that set it
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new java.util.ArrayList<>(process.descendants().toList());
        all.addAll(strays()); // what a node whose JVM was killed alone left behind runs from the node's directory
        all.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        for (ProcessHandle h : all) {
            h.onExit().orTimeout(30, TimeUnit.SECONDS);
        }
        process = null;
        RUNNING.remove(this);
        if (RUNNING.isEmpty()) {
            removeIptablesChains();
        }
    }

    /**
     * Cuts the node off its cluster (true) or lets it back (false): every loopback packet to or from its cluster port
     * and the ports it opens connections from is dropped, in both directions, as a pulled cable would.
     */
    void partition(boolean cut) throws IOException, InterruptedException {
        int base = clusterPort - 3;
        List<String> rule = List.of("INPUT", "-i", "lo", "-p", "tcp", "-m", "multiport", "--ports",
                clusterPort + "," + (base + OUTBOUND_FIRST) + ":" + (base + OUTBOUND_LAST), "-j", "DROP");
        List<String> command = new java.util.ArrayList<>(List.of("iptables", "-w", cut ? "-I" : "-D"));
        command.addAll(rule);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 && cut) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        partitioned = cut;
    }

    /**
     * Waits until nothing of the node runs but its launcher script: no JVM, no data server, no app instance. Returns
     * what is still running after the timeout, as "pid command" lines (empty when all is gone).
     */
    List<String> awaitNothingLeft(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ProcessHandle> left;
        do {
            left = java.util.stream.Stream.concat(process.descendants(), strays().stream()).distinct()
                    .filter(h -> h.pid() != process.pid() && h.isAlive()).toList();
            if (left.isEmpty()) {
                return List.of();
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return left.stream().map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).toList();
    }

    /**
     * Processes no longer below the node's process that run a program from the node's directory (its data servers)
     * or run in it. Not every process that merely names a path of it: on one machine, app instances of other nodes
     * bind this node's filesystem service directories into their sandboxes.
     */
    private List<ProcessHandle> strays() {
        Path dir = home.toAbsolutePath().normalize();
        return ProcessHandle.allProcesses().filter(h -> {
            Path proc = Path.of("/proc", String.valueOf(h.pid()));
            try {
                return Path.of(h.info().command().orElse("/")).startsWith(dir) || Files.readSymbolicLink(proc.resolve("cwd")).startsWith(dir);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }).toList();
    }

    /**
     * A node killed with -9 cannot remove its iptables chains (a node that starts again takes its own over); once no
     * node of these tests runs, none of theirs may decide what the next test's nodes and apps can reach.
     */
    private static void removeIptablesChains() {
        try {
            Process list = new ProcessBuilder("iptables", "-w", "-S").redirectErrorStream(true).start();
            List<String> chains = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> l.startsWith("-N STRATO-")).map(l -> l.substring(3).trim()).toList();
            list.waitFor();
            for (String chain : chains) {
                new ProcessBuilder("iptables", "-w", "-D", "OUTPUT", "-j", chain).start().waitFor();
            }
            for (String op : List.of("-F", "-X")) {
                for (String chain : chains) {
                    new ProcessBuilder("iptables", "-w", op, chain).start().waitFor();
                }
            }
        } catch (IOException e) {
            // no iptables here: no chains either
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private static void exec(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed in " + dir);
        }
    }

    static void deleteRecursively(Path dir) throws IOException, InterruptedException {
        if (Files.exists(dir)) {
            exec(dir.toAbsolutePath().getParent(), "rm", "-rf", dir.toAbsolutePath().toString());
        }
    }
}
