package io.strato.dea;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The DEA's configuration ({@code etc/io.strato.dea.cfg}), resolved.
 *
 * @param memoryMb     memory handed out to instances in total
 * @param portFrom     first port given to instances
 * @param portTo       last port given to instances
 * @param baseDir      droplet cache and instance directories
 * @param runAsUser    user the instances run as when the DEA runs as root; empty keeps the DEA's user
 * @param fdLimit      open files per instance; 0 means no limit
 * @param processLimit processes per instance; 0 means no limit
 * @param startTimeout how long a new instance may take to listen on its port
 * @param stopGrace    how long a stopped instance may take to exit after SIGTERM before SIGKILL
 */
public record DeaSettings(long memoryMb, int portFrom, int portTo, Path baseDir, String runAsUser, int fdLimit,
                          int processLimit, Duration startTimeout, Duration stopGrace) {
    public DeaSettings {
        Objects.requireNonNull(baseDir, "baseDir");
        if (memoryMb < 1) {
            throw new IllegalArgumentException("memoryMb must be positive, not " + memoryMb);
        }
        if (portFrom < 1024 || portTo > 65535 || portFrom > portTo) {
            throw new IllegalArgumentException("portRange must be like 61000-61999 within 1024-65535, not "
                    + portFrom + "-" + portTo);
        }
        runAsUser = runAsUser == null ? "" : runAsUser.trim();
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(stopGrace, "stopGrace");
    }

    /** Parses {@code 61000-61999}. */
    static int[] parsePortRange(String range) {
        String[] parts = range.trim().split("\\s*-\\s*");
        try {
            if (parts.length == 2) {
                return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("portRange must be like 61000-61999, not '" + range + "'");
    }

    /** 75% of the machine's memory (from /proc/meminfo), or 4096 MB where that cannot be read. */
    static long defaultMemoryMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return Math.max(1, kb / 1024 * 3 / 4);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or an unusual /proc: fall back
        }
        return 4096;
    }
}
