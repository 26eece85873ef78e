package io.strato.api.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Long-lived child processes of the node (app instances, data servers) die with the node's JVM: kill -9 of the
 * JVM must not leave servers holding ports and files the restarted node needs, nor tenant code running
 * unsupervised.
 * <p>
 * The kernel's parent-death signal does it: util-linux {@code setpriv --pdeathsig KILL} sets it and execs. The
 * kernel sends it when the <em>thread</em> that started the process ends, not the process, so every child is
 * started from one thread that lives as long as the api bundle ({@link #start}). It also clears the signal when
 * the process changes its uid, so a command that already switches users with setpriv gets the option in that same
 * setpriv, which sets it after the switch ({@link #diesWithNode}).
 */
public final class NodeChildren {

    private static final System.Logger LOG = System.getLogger(NodeChildren.class.getName());
    private static final AtomicBoolean MISSING_LOGGED = new AtomicBoolean();
    private static final String SETPRIV = "setpriv";
    private static final List<String> DEATH_SIGNAL = List.of("--pdeathsig", "KILL");

    /** The one thread every child is started from; it never ends while the bundle runs (see above). */
    private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "strato-child-spawner");
        t.setDaemon(true);
        return t;
    });

    private NodeChildren() {
    }

    /** Starts the process from the spawner thread, so that a parent-death signal fires only when the JVM ends. */
    public static Process start(ProcessBuilder builder) throws IOException {
        try {
            return SPAWNER.submit(builder::start).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + builder.command().get(0), e);
        }
    }

    /**
     * The command with a parent-death SIGKILL: added to its leading {@code setpriv}, or as a {@code setpriv} of its
     * own. Unchanged on a machine without setpriv, which is logged once: there the node's servers outlive a killed JVM.
     */
    public static List<String> diesWithNode(List<String> command) {
        List<String> result = new ArrayList<>();
        if (!command.isEmpty() && command.get(0).equals(SETPRIV)) {
            result.add(SETPRIV);
            result.addAll(DEATH_SIGNAL);
            result.addAll(command.subList(1, command.size()));
        } else if (setprivInstalled()) {
            result.add(SETPRIV);
            result.addAll(DEATH_SIGNAL);
            result.add("--");
            result.addAll(command);
        } else {
            if (MISSING_LOGGED.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "setpriv (util-linux) is not installed: servers this node runs will keep"
                        + " running if its JVM is killed, and hold their ports until they are stopped by hand");
            }
            result.addAll(command);
        }
        return result;
    }

    /** Whether util-linux setpriv is on the system path. */
    public static boolean setprivInstalled() {
        return Files.isExecutable(Path.of("/usr/bin/setpriv")) || Files.isExecutable(Path.of("/bin/setpriv"));
    }
}
