package io.strato.api.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The control groups of one sandbox: its processes join them when they start, and they go when it stops. */
public final class SandboxCgroup {

    private final List<Path> dirs;
    private final Path memoryDir;
    private final boolean unified;

    SandboxCgroup(List<Path> dirs, Path memoryDir, boolean unified) {
        this.dirs = List.copyOf(dirs);
        this.memoryDir = memoryDir;
        this.unified = unified;
    }

    /** The {@code cgroup.procs} files a new process writes its pid to. */
    public List<Path> procsFiles() {
        return dirs.stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    /** Whether the kernel killed a process of the instance for going over its memory limit. */
    public boolean oomKilled() {
        if (memoryDir == null) {
            return false;
        }
        try {
            String file = unified ? "memory.events" : "memory.oom_control";
            for (String line : Files.readAllLines(memoryDir.resolve(file))) {
                if (line.startsWith("oom_kill ") && Long.parseLong(line.substring(9).trim()) > 0) {
                    return true;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    /** Every process still in the sandbox's groups, daemons that left the process tree included. */
    public Set<Long> pids() {
        Set<Long> pids = new TreeSet<>();
        for (Path procs : procsFiles()) {
            try {
                for (String line : Files.readAllLines(procs)) {
                    if (!line.isBlank()) {
                        pids.add(Long.parseLong(line.trim()));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // the group is already gone
            }
        }
        return pids;
    }

    /** Kills what is left inside, then removes the groups (the kernel refuses while a process is inside). */
    public void remove() {
        for (int attempt = 0; attempt < 50; attempt++) {
            pids().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            List<Path> left = new ArrayList<>();
            for (Path dir : dirs) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    left.add(dir);
                }
            }
            if (left.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
