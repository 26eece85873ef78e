package io.strato.dea;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Linux control groups the DEA puts each instance in: a hard memory limit (the kernel kills an
 * instance that goes over, which address-space limits cannot do for a JVM or Node.js) and a process
 * count limit. cgroup v1 ({@code /sys/fs/cgroup/memory}, {@code /sys/fs/cgroup/pids}) and v2 (unified)
 * are supported; the DEA needs write access to them, which it has when it runs as root. Each instance
 * gets {@code strato-dea/<dea id>/<instance id>} under each controller.
 */
final class Cgroups {

    private static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);
    private static final Path ROOT = Path.of("/sys/fs/cgroup");
    private static final String GROUP = "strato-dea";

    private final Path memoryParent;
    private final Path pidsParent;
    private final boolean unified;

    private Cgroups(Path memoryParent, Path pidsParent, boolean unified) {
        this.memoryParent = memoryParent;
        this.pidsParent = pidsParent;
        this.unified = unified;
    }

    /**
     * What this machine offers to the DEA {@code deaId}; logs once what is not available. Each DEA has
     * its own parent group, so that DEAs of several nodes on one machine never touch each other's
     * instances.
     */
    static Cgroups detect(String deaId) {
        String own = deaId.replaceAll("[^A-Za-z0-9_-]", "_");
        Path v1Memory = ROOT.resolve("memory");
        if (Files.isRegularFile(v1Memory.resolve("memory.limit_in_bytes"))) {
            Path memory = prepare(v1Memory.resolve(GROUP).resolve(own));
            Path pids = Files.isDirectory(ROOT.resolve("pids")) ? prepare(ROOT.resolve("pids").resolve(GROUP).resolve(own))
                    : null;
            return report(new Cgroups(memory, pids, false));
        }
        if (Files.isRegularFile(ROOT.resolve("cgroup.controllers"))) {
            // v2 hands a controller down only where every level above enabled it for its children
            enable(ROOT);
            Path group = prepare(ROOT.resolve(GROUP));
            Path parent = group == null ? null : prepare(group.resolve(own));
            if (parent != null) {
                enable(group);
                enable(parent);
                try {
                    String enabled = Files.readString(parent.resolve("cgroup.subtree_control"));
                    return report(new Cgroups(enabled.contains("memory") ? parent : null,
                            enabled.contains("pids") ? parent : null, true));
                } catch (IOException e) {
                    LOG.debug("Cannot read the cgroup controllers of {}: {}", parent, e.getMessage());
                }
            }
        }
        return report(new Cgroups(null, null, false));
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

    private static Cgroups report(Cgroups cgroups) {
        if (cgroups.memoryParent == null) {
            LOG.warn("Instance memory limits are not enforced on this node: no writable cgroup memory controller "
                    + "(run the node as root on Linux to enforce them); reservations still count against capacity");
        }
        return cgroups;
    }

    boolean limitsMemory() {
        return memoryParent != null;
    }

    boolean limitsProcesses() {
        return pidsParent != null;
    }

    /** Creates the groups of one instance; empty when this machine has none to offer. */
    Optional<InstanceCgroup> create(String instanceId, long memoryMb, int processLimit) throws IOException {
        List<Path> dirs = new ArrayList<>();
        Path memoryDir = null;
        if (memoryParent != null && memoryMb > 0) {
            memoryDir = memoryParent.resolve(instanceId);
            Files.createDirectories(memoryDir);
            dirs.add(memoryDir);
            long bytes = memoryMb * 1024 * 1024;
            Files.writeString(memoryDir.resolve(unified ? "memory.max" : "memory.limit_in_bytes"), String.valueOf(bytes));
            if (unified) {
                Files.writeString(memoryDir.resolve("memory.swap.max"), "0");
            }
        }
        if (pidsParent != null && processLimit > 0) {
            Path pidsDir = pidsParent.resolve(instanceId);
            Files.createDirectories(pidsDir);
            if (!dirs.contains(pidsDir)) {
                dirs.add(pidsDir);
            }
            Files.writeString(pidsDir.resolve("pids.max"), String.valueOf(processLimit));
        }
        return dirs.isEmpty() ? Optional.empty() : Optional.of(new InstanceCgroup(dirs, memoryDir, unified));
    }

    /** Removes this DEA's parent groups once its instances are gone. */
    void close() {
        for (Path parent : Stream.of(memoryParent, pidsParent).filter(p -> p != null).distinct().toList()) {
            try {
                Files.deleteIfExists(parent);
            } catch (IOException e) {
                LOG.debug("Keeping {}: {}", parent, e.getMessage());
            }
        }
    }

    /** Kills what is left in groups of instances of an earlier run of the DEA (e.g. after a crash of the node). */
    void removeLeftovers() {
        for (Path parent : Stream.of(memoryParent, pidsParent).filter(p -> p != null).distinct().toList()) {
            try (Stream<Path> dirs = Files.list(parent)) {
                for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                    new InstanceCgroup(List.of(dir), null, unified).remove();
                }
            } catch (IOException e) {
                LOG.warn("Could not clean old instance groups under {}: {}", parent, e.getMessage());
            }
        }
    }
}
