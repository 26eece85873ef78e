package io.strato.role.dea;

import io.strato.api.app.InstanceUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Measures what instances use from {@code /proc}: CPU time of all their processes (as a share of one core since
 * the previous measurement), resident memory, and the size of their directories (walked at most every
 * {@value #DISK_EVERY_MS} ms, since a large directory costs a walk).
 */
final class InstanceMeter {

    /** Linux reports CPU times in clock ticks of 1/100 s ({@code getconf CLK_TCK}) on every architecture we run on. */
    private static final double TICKS_PER_SECOND = 100;
    private static final long PAGE_SIZE = 4096;
    static final long DISK_EVERY_MS = 30_000;

    private record Previous(long ticks, long at, long diskBytes, long diskAt) {
    }

    private final Path proc;
    private final Map<String, Previous> previous = new HashMap<>();

    InstanceMeter(Path proc) {
        this.proc = proc;
    }

    /** The usage of one instance whose processes are {@code pids} and whose directory is {@code home}. */
    synchronized InstanceUsage measure(String instanceId, String appGuid, Set<Long> pids, Path home, long now) {
        long ticks = 0;
        long resident = 0;
        for (long pid : pids) {
            ticks += cpuTicks(pid);
            resident += residentBytes(pid);
        }
        Previous before = previous.get(instanceId);
        double cpu = 0;
        if (before != null && now > before.at() && ticks >= before.ticks()) {
            cpu = (ticks - before.ticks()) / TICKS_PER_SECOND / ((now - before.at()) / 1000.0);
        }
        long disk;
        long diskAt;
        if (before != null && now - before.diskAt() < DISK_EVERY_MS) {
            disk = before.diskBytes();
            diskAt = before.diskAt();
        } else {
            disk = size(home);
            diskAt = now;
        }
        previous.put(instanceId, new Previous(ticks, now, disk, diskAt));
        return new InstanceUsage(instanceId, appGuid, cpu, resident, disk, now);
    }

    /** Forgets instances that no longer run. */
    synchronized void retain(Collection<String> instanceIds) {
        previous.keySet().retainAll(Set.copyOf(instanceIds));
    }

    /** utime + stime of a process, fields 14 and 15 of {@code /proc/<pid>/stat}; 0 once it is gone. */
    private long cpuTicks(long pid) {
        try {
            String stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"));
            // the command name (field 2) may hold spaces and parentheses: count fields after its closing one
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Resident set of a process, field 2 of {@code /proc/<pid>/statm} in pages; 0 once it is gone. */
    private long residentBytes(long pid) {
        try {
            String[] fields = Files.readString(proc.resolve(Long.toString(pid)).resolve("statm")).trim().split(" ");
            return Long.parseLong(fields[1]) * PAGE_SIZE;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Bytes of the regular files under {@code dir}; files removed during the walk are skipped. */
    static long size(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.mapToLong(p -> {
                try {
                    return Files.isRegularFile(p) ? Files.size(p) : 0;
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }
}
