package io.strato.role.dea;

import io.strato.api.files.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Instances of an earlier run of this DEA that nobody stopped, because the node was killed: their
 * processes are killed (only when the pid still belongs to the process that was started, checked by
 * its start time) and their directories removed, before the DEA takes new orders.
 */
final class LeftoverInstances {

    private static final Logger LOG = LoggerFactory.getLogger(LeftoverInstances.class);

    private LeftoverInstances() {
    }

    static void clean(Path baseDir) {
        Path pids = baseDir.resolve("pids");
        Path instances = baseDir.resolve("instances");
        try {
            if (Files.isDirectory(pids)) {
                try (Stream<Path> files = Files.list(pids)) {
                    for (Path pidFile : files.toList()) {
                        kill(pidFile);
                        Files.delete(pidFile);
                    }
                }
            }
            if (Files.isDirectory(instances)) {
                try (Stream<Path> dirs = Files.list(instances)) {
                    for (Path dir : dirs.toList()) {
                        FileTrees.delete(dir);
                        LOG.info("Removed instance {} left by an earlier run of the DEA", dir.getFileName());
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not clean old instances under {}: {}", baseDir, e.getMessage());
        }
    }

    private static void kill(Path pidFile) {
        try {
            String[] parts = Files.readString(pidFile).trim().split(" ");
            long pid = Long.parseLong(parts[0]);
            long startedMillis = Long.parseLong(parts[1]);
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            if (process.isPresent() && process.get().info().startInstant().map(Instant::toEpochMilli)
                    .orElse(-1L) == startedMillis) {
                process.get().descendants().forEach(ProcessHandle::destroyForcibly);
                process.get().destroyForcibly();
            }
        } catch (IOException | RuntimeException e) {
            // no pid file (the instance never started) or not ours any more
        }
    }
}
