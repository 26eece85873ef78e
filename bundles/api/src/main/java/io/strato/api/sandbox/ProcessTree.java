package io.strato.api.sandbox;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Ends a sandboxed process with everything it started: SIGTERM to the whole tree, SIGKILL to what is left after
 * the grace period. The tree is taken before anything is signalled, because a child whose parent dies is
 * no longer a descendant; its process group and cgroup catch children that left the tree.
 */
public final class ProcessTree {

    private ProcessTree() {
    }

    public static void terminate(Process process, boolean ownGroup, Optional<SandboxCgroup> cgroup, Duration grace) {
        Set<ProcessHandle> members = snapshot(process, cgroup);
        signalGroup(process.pid(), ownGroup, "TERM");
        members.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle p : members) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception stillAlive) {
                break;
            }
        }
        members.addAll(snapshot(process, cgroup));
        signalGroup(process.pid(), ownGroup, "KILL");
        members.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills at once what a sandboxed process that exited by itself left running. */
    public static void killLeftovers(Process process, boolean ownGroup, Optional<SandboxCgroup> cgroup) {
        signalGroup(process.pid(), ownGroup, "KILL");
        snapshot(process, cgroup).forEach(ProcessHandle::destroyForcibly);
    }

    private static Set<ProcessHandle> snapshot(Process process, Optional<SandboxCgroup> cgroup) {
        Set<ProcessHandle> members = new LinkedHashSet<>();
        if (process.isAlive()) {
            members.add(process.toHandle());
        }
        process.descendants().forEach(members::add);
        cgroup.ifPresent(g -> g.pids().forEach(pid -> ProcessHandle.of(pid).ifPresent(members::add)));
        return members;
    }

    private static void signalGroup(long pgid, boolean ownGroup, String signal) {
        if (!ownGroup) {
            return;
        }
        List<String> kill = new ArrayList<>(List.of("kill", "-" + signal, "--", "-" + pgid));
        try {
            new ProcessBuilder(kill).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no kill command: the tree and the cgroup are signalled one by one anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
