package io.strato.api.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Linux control groups tenant code runs in (app instances on a DEA, staging tasks on a stager): a
 * hard memory limit (the kernel kills a process tree that goes over, which address-space limits cannot
 * do for a JVM or Node.js) and a process count limit. cgroup v1 ({@code /sys/fs/cgroup/memory},
 * {@code /sys/fs/cgroup/pids}) and v2 (unified) are supported; the node needs write access to them,
 * which it has when it runs as root. Each sandbox gets {@code strato-<kind>/<owner id>/<sandbox id>}
 * under each controller, e.g. {@code strato-dea/<dea id>/<instance id>}.
 */
public final class SandboxCgroups {

    private static final System.Logger LOG = System.getLogger(SandboxCgroups.class.getName());
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private final Path memoryParent;
    private final Path pidsParent;
    private final boolean unified;

    private SandboxCgroups(Path memoryParent, Path pidsParent, boolean unified) {
        this.memoryParent = memoryParent;
        this.pidsParent = pidsParent;
        this.unified = unified;
    }

    /**
     * What this machine offers to the owner {@code ownerId} of kind {@code kind} (e.g. "dea" and the DEA's
     * id); logs once what is not available. Each owner has its own parent group, so that roles of several
     * nodes on one machine never touch each other's sandboxes.
     */
    public static SandboxCgroups detect(String kind, String ownerId) {
        String parentGroup = "strato-" + kind;
        String own = ownerId.replaceAll("[^A-Za-z0-9_-]", "_");
        Path v1Memory = ROOT.resolve("memory");
        if (Files.isRegularFile(v1Memory.resolve("memory.limit_in_bytes"))) {
            Path memory = prepare(v1Memory.resolve(parentGroup).resolve(own));
            Path pids = Files.isDirectory(ROOT.resolve("pids")) ? prepare(ROOT.resolve("pids").resolve(parentGroup).resolve(own))
                    : null;
            return report(new SandboxCgroups(memory, pids, false));
        }
        if (Files.isRegularFile(ROOT.resolve("cgroup.controllers"))) {
            // v2 hands a controller down only where every level above enabled it for its children
            enable(ROOT);
            Path group = prepare(ROOT.resolve(parentGroup));
            Path parent = group == null ? null : prepare(group.resolve(own));
            if (parent != null) {
                enable(group);
                enable(parent);
                try {
                    String enabled = Files.readString(parent.resolve("cgroup.subtree_control"));
                    return report(new SandboxCgroups(enabled.contains("memory") ? parent : null,
                            enabled.contains("pids") ? parent : null, true));
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "Cannot read the cgroup controllers of {0}: {1}", parent, e.getMessage());
                }
            }
        }
        return report(new SandboxCgroups(null, null, false));
    }

    private static void enable(Path dir) {
        for (String controller : new String[] {"+memory", "+pids"}) {
            try {
                Files.writeString(dir.resolve("cgroup.subtree_control"), controller);
            } catch (IOException e) {
                // already enabled, or not ours to enable: the caller checks what it got
            }
        }
    }

    private static Path prepare(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.isWritable(dir) ? dir : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static SandboxCgroups report(SandboxCgroups cgroups) {
        if (cgroups.memoryParent == null) {
            LOG.log(System.Logger.Level.WARNING, "Instance memory limits are not enforced on this node: no writable cgroup memory controller "
                    + "(run the node as root on Linux to enforce them); reservations still count against capacity");
        }
        return cgroups;
    }

    public boolean limitsMemory() {
        return memoryParent != null;
    }

    public boolean limitsProcesses() {
        return pidsParent != null;
    }

    /** Creates the groups of one sandbox (an instance, a staging task); empty when this machine has none to offer. */
    public Optional<SandboxCgroup> create(String sandboxId, long memoryMb, int processLimit) throws IOException {
        List<Path> dirs = new ArrayList<>();
        Path memoryDir = null;
        if (memoryParent != null && memoryMb > 0) {
            memoryDir = memoryParent.resolve(sandboxId);
            Files.createDirectories(memoryDir);
            dirs.add(memoryDir);
            long bytes = memoryMb * 1024 * 1024;
            Files.writeString(memoryDir.resolve(unified ? "memory.max" : "memory.limit_in_bytes"), String.valueOf(bytes));
            if (unified) {
                Files.writeString(memoryDir.resolve("memory.swap.max"), "0");
            }
        }
        if (pidsParent != null && processLimit > 0) {
            Path pidsDir = pidsParent.resolve(sandboxId);
            Files.createDirectories(pidsDir);
            if (!dirs.contains(pidsDir)) {
                dirs.add(pidsDir);
            }
            Files.writeString(pidsDir.resolve("pids.max"), String.valueOf(processLimit));
        }
        return dirs.isEmpty() ? Optional.empty() : Optional.of(new SandboxCgroup(dirs, memoryDir, unified));
    }

    /** Removes this owner's parent groups once its sandboxes are gone. */
    public void close() {
        for (Path parent : Stream.of(memoryParent, pidsParent).filter(p -> p != null).distinct().toList()) {
            try {
                Files.deleteIfExists(parent);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "Keeping {0}: {1}", parent, e.getMessage());
            }
        }
    }

    /** Kills what is left in groups of an earlier run of the owner (e.g. after a crash of the node). */
    public void removeLeftovers() {
        for (Path parent : Stream.of(memoryParent, pidsParent).filter(p -> p != null).distinct().toList()) {
            try (Stream<Path> dirs = Files.list(parent)) {
                for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                    new SandboxCgroup(List.of(dir), null, unified).remove();
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not clean old sandbox groups under {0}: {1}", parent, e.getMessage());
            }
        }
    }
}
