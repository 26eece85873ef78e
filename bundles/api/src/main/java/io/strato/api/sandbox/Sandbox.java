package io.strato.api.sandbox;

import io.strato.api.process.NodeChildren;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs tenant code (app instances, staging hooks, npm and pip) so that it cannot reach the node or other
 * apps. The node's side of the launch is built here alone, from absolute tool paths and a fixed
 * environment ({@link #NODE_ENVIRONMENT}): nothing the app chose (its {@code PATH}, {@code LD_PRELOAD},
 * {@code BASH_ENV}, ...) is seen by a process that still has root's rights. The chain is
 * <pre>
 *   setsid → bash (joins the cgroups) → prlimit → setpriv (the app's uid, no new privileges)
 *          → bwrap (own pid and IPC namespaces, private /tmp, read-only root, no nested user namespaces)
 *          → bash that reads the app's environment from its standard input → the command
 * </pre>
 * The app's environment crosses the privilege drop on a pipe, never on a command line (which every
 * local user can read). Each tool is used when the machine has it; what is missing is logged once. The
 * user switch is not optional: a node running as root without {@code setpriv} refuses to run tenant code.
 * <p>
 * Tenant code never outlives the node unsupervised: setpriv gives the launch a parent-death signal (SIGKILL)
 * and bwrap kills everything in its sandbox when it dies ({@code --die-with-parent}). The kernel sends that
 * signal when the thread that started the process ends, so every launch is started from one thread that
 * lives as long as the api bundle ({@link NodeChildren#start}): when the node's JVM is killed, its instances die with it.
 */
public final class Sandbox {

    private static final System.Logger LOG = System.getLogger(Sandbox.class.getName());

    /** The whole environment of the node-side processes of a launch: nothing of the node's or the app's. */
    public static final Map<String, String> NODE_ENVIRONMENT = Map.of(
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG", "C.UTF-8");

    private static final List<String> SYSTEM_DIRS = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
            "/usr/bin", "/sbin", "/bin");

    /** Runs after the drop: exports NAME=value records read from stdin (NUL-separated), then the command. */
    private static final String LOADER = "while IFS= read -r -d '' kv; do export \"$kv\" 2>/dev/null"
            + " || echo \"environment variable ${kv%%=*} not set: not a valid name\" >&2; done;"
            + " exec /bin/bash -c \"$1\" </dev/null";

    /**
     * One launch.
     *
     * @param uid         the app's uid (ignored when the node does not run as root)
     * @param command     shell command, run by bash in {@code workDir}
     * @param environment the app's whole environment, applied only after the privilege drop
     * @param workDir     where the command starts; writable for the app
     * @param writable    further paths the app may write to (its service directories); the rest of the
     *                    file system is read-only inside the sandbox, and only what the uid may read
     * @param cgroup      the groups it joins before anything of the app runs
     * @param fdLimit     open files; 0 for no limit
     * @param processLimit processes (RLIMIT_NPROC, per uid); 0 for no limit
     */
    public record Launch(int uid, String command, Map<String, String> environment, Path workDir, List<Path> writable,
                         Optional<SandboxCgroup> cgroup, int fdLimit, int processLimit) {
        public Launch {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(workDir, "workDir");
            environment = environment == null ? Map.of() : Map.copyOf(environment);
            writable = writable == null ? List.of() : List.copyOf(writable);
            cgroup = cgroup == null ? Optional.empty() : cgroup;
        }

        /** The same sandbox for another command (the steps of one staging task). */
        public Launch withCommand(String other) {
            return new Launch(uid, other, environment, workDir, writable, cgroup, fdLimit, processLimit);
        }
    }

    private final UidRange uids;
    private final Optional<Path> setsid;
    private final Optional<Path> prlimit;
    private final Optional<Path> setpriv;
    private final Optional<Path> bwrap;
    private final Path bash;

    private Sandbox(UidRange uids, Optional<Path> setsid, Optional<Path> prlimit, Optional<Path> setpriv,
                    Optional<Path> bwrap, Path bash) {
        this.uids = uids;
        this.setsid = setsid;
        this.prlimit = prlimit;
        this.setpriv = setpriv;
        this.bwrap = bwrap;
        this.bash = bash;
    }

    /**
     * Finds the tools on this machine and checks that namespaces can be made; logs what is enforced.
     *
     * @param who what runs tenant code here, for the log ("DEA node-1", "stager node-1")
     * @throws IllegalStateException when the node runs as root but cannot switch users
     */
    public static Sandbox detect(UidRange uids, String who) {
        Path bash = tool("bash").orElseThrow(() -> new IllegalStateException("bash is not installed: " + who
                + " cannot run tenant code"));
        Optional<Path> setsid = tool("setsid");
        Optional<Path> prlimit = tool("prlimit");
        Optional<Path> setpriv = Optional.empty();
        if (nodeRunsAsRoot()) {
            setpriv = tool("setpriv");
            if (setpriv.isEmpty()) {
                throw new IllegalStateException(who + " runs as root but setpriv (util-linux) is not installed: it does "
                        + "not run tenant code rather than run it as root");
            }
        } else {
            LOG.log(System.Logger.Level.WARNING, who + " does not run as root: tenant code runs as the node's own user, every "
                    + "app as the same user; run the node as root to give each app its own uid");
        }
        if (setsid.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "setsid is not installed: tenant processes do not get their own process group");
        }
        if (prlimit.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "prlimit is not installed: open-file and process limits are not applied to tenant code");
        }
        Sandbox plain = new Sandbox(uids, setsid, prlimit, setpriv, Optional.empty(), bash);
        Optional<Path> bwrap = tool("bwrap").filter(b -> plain.namespacesWork(b));
        if (bwrap.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "bubblewrap (bwrap) is not installed or cannot create namespaces here: tenant code can see the "
                    + "node's other processes (not their files or environment) and shares /tmp; install the "
                    + "bubblewrap package to hide them");
        }
        Sandbox sandbox = new Sandbox(uids, setsid, prlimit, setpriv, bwrap, bash);
        LOG.log(System.Logger.Level.INFO, "{0} runs tenant code {1}", who, sandbox.describe());
        return sandbox;
    }

    /** What is enforced, in words. */
    public String describe() {
        List<String> what = new ArrayList<>();
        what.add(setpriv.isPresent() ? "as each app's own uid (" + uids + ")" : "as the node's own user");
        if (bwrap.isPresent()) {
            what.add("in its own pid and IPC namespaces with a private /tmp and a read-only root file system");
        }
        return String.join(", ", what);
    }

    /** Whether each app gets its own uid (the node runs as root). */
    public boolean switchesUser() {
        return setpriv.isPresent();
    }

    /** Whether tenant code is hidden from the node's other processes. */
    public boolean hidesProcesses() {
        return bwrap.isPresent();
    }

    /** Whether a launch leads its own process group, so that the group can be signalled. */
    public boolean ownProcessGroup() {
        return setsid.isPresent();
    }

    public UidRange uids() {
        return uids;
    }

    /** Starts the launch with stdout and stderr as pipes (or merged); its stdin is already closed. */
    public Process start(Launch launch, boolean mergeErrors) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(launch)).directory(launch.workDir().toFile())
                .redirectErrorStream(mergeErrors);
        builder.environment().clear();
        builder.environment().putAll(NODE_ENVIRONMENT);
        Process process = NodeChildren.start(builder);
        try (OutputStream in = process.getOutputStream()) {
            in.write(environmentRecords(launch.environment()));
        } catch (IOException e) {
            process.destroyForcibly();
            throw new IOException("the sandbox ended before it took the app's environment: " + e.getMessage(), e);
        }
        return process;
    }

    /** The command line of a launch: node-side tools by absolute path, then the loader, then the command. */
    List<String> command(Launch launch) {
        if (switchesUser() && !uids.contains(launch.uid())) {
            throw new IllegalArgumentException("uid " + launch.uid() + " is outside the app uid range " + uids
                    + ": refusing to run tenant code as it");
        }
        List<String> argv = new ArrayList<>();
        setsid.ifPresent(s -> argv.add(s.toString()));
        if (launch.cgroup().isPresent()) {
            // the shell joins the groups, then becomes the rest of the chain: nothing runs outside them
            StringBuilder join = new StringBuilder();
            for (Path procs : launch.cgroup().get().procsFiles()) {
                join.append("echo $$ > '").append(procs).append("' && ");
            }
            argv.addAll(List.of(bash.toString(), "--noprofile", "--norc", "-c", join + "exec \"$@\"", "strato-sandbox"));
        }
        if (prlimit.isPresent() && (launch.fdLimit() > 0 || launch.processLimit() > 0)) {
            argv.add(prlimit.get().toString());
            if (launch.fdLimit() > 0) {
                argv.add("--nofile=" + launch.fdLimit() + ":" + launch.fdLimit());
            }
            if (launch.processLimit() > 0) {
                argv.add("--nproc=" + launch.processLimit() + ":" + launch.processLimit());
            }
            argv.add("--");
        }
        if (setpriv.isPresent()) {
            argv.addAll(List.of(setpriv.get().toString(), "--reuid=" + launch.uid(), "--regid=" + launch.uid(),
                    "--clear-groups", "--no-new-privs", "--pdeathsig", "KILL", "--"));
        }
        if (bwrap.isPresent()) {
            argv.addAll(List.of(bwrap.get().toString(), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                    "--tmpfs", "/tmp", "--bind", launch.workDir().toString(), launch.workDir().toString()));
            for (Path path : launch.writable()) {
                argv.addAll(List.of("--bind-try", path.toString(), path.toString()));
            }
            argv.addAll(List.of("--unshare-pid", "--unshare-ipc", "--unshare-user", "--disable-userns", "--die-with-parent",
                    "--chdir", launch.workDir().toString(), "--"));
        }
        argv.addAll(List.of(bash.toString(), "--noprofile", "--norc", "-c", LOADER, "strato-sandbox", launch.command()));
        return argv;
    }

    /** NAME=value records separated by NUL, as the loader reads them. */
    static byte[] environmentRecords(Map<String, String> environment) {
        StringBuilder out = new StringBuilder();
        environment.forEach((k, v) -> {
            if (!k.isEmpty() && k.indexOf('=') < 0 && k.indexOf('\0') < 0 && v != null && v.indexOf('\0') < 0) {
                out.append(k).append('=').append(v).append('\0');
            }
        });
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Hands a directory and everything in it to the app's uid, readable by it alone. */
    public void handOver(Path dir, int uid) throws IOException, InterruptedException {
        if (!switchesUser()) {
            return;
        }
        run(List.of(tool("chown").orElse(Path.of("chown")).toString(), "-R", "-h", uid + ":" + uid, dir.toString()),
                "hand " + dir + " to uid " + uid);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    /**
     * Makes {@code dir} (and the node's own directories between {@code from} and it) traversable but not
     * listable by others, so that an app reaches its own directory below it and nothing else; checks that
     * an app uid gets through every directory above it.
     */
    public void openPath(Path from, Path dir) throws IOException {
        if (!switchesUser()) {
            return;
        }
        Files.createDirectories(dir);
        Path absolute = dir.toAbsolutePath().normalize();
        Path top = from.toAbsolutePath().normalize();
        for (Path p = absolute; p != null && p.startsWith(top); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx--x--x"));
        }
        List<String> reach = List.of(setpriv.get().toString(), "--reuid=" + uids.from(), "--regid=" + uids.from(),
                "--clear-groups", "--", bash.toString(), "-c", "test -x \"$0\"", absolute.toString());
        if (!succeeds(reach)) {
            throw new IOException("apps cannot reach " + absolute + ": every directory above it must be traversable "
                    + "by others (chmod o+x)");
        }
    }

    private boolean namespacesWork(Path bwrapTool) {
        List<String> probe = new ArrayList<>();
        setpriv.ifPresent(s -> probe.addAll(List.of(s.toString(), "--reuid=" + uids.from(), "--regid=" + uids.from(),
                "--clear-groups", "--no-new-privs", "--")));
        probe.addAll(List.of(bwrapTool.toString(), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                "--tmpfs", "/tmp", "--unshare-pid", "--unshare-ipc", "--unshare-user", "--disable-userns", "--",
                bash.toString(), "-c", "true"));
        return succeeds(probe);
    }

    /** Whether this JVM runs as root: then it can and must hand tenant code to other uids. */
    public static boolean nodeRunsAsRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Optional<Path> tool(String name) {
        return SYSTEM_DIRS.stream().map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }

    private static void run(List<String> command, String what) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(NODE_ENVIRONMENT);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IOException("could not " + what + ": " + out);
        }
    }

    private static boolean succeeds(List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().clear();
            builder.environment().putAll(NODE_ENVIRONMENT);
            Process p = builder.start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
