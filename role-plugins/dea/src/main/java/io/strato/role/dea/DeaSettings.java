package io.strato.role.dea;

import io.strato.api.sandbox.Sandbox;
import io.strato.api.sandbox.UidRange;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;

/**
 * The DEA's configuration ({@code etc/io.strato.dea.cfg}), resolved.
 *
 * @param memoryMb     memory handed out to instances in total
 * @param portFrom     first port given to instances
 * @param portTo       last port given to instances
 * @param baseDir      droplet cache and instance directories
 * @param appUids      uids instances may run as (each app its own), when the DEA runs as root
 * @param fdLimit      open files per instance; 0 means no limit
 * @param processLimit processes per instance; 0 means no limit
 * @param startTimeout how long a new instance may take to listen on its port
 * @param stopGrace    how long a stopped instance may take to exit after SIGTERM before SIGKILL
 */
public record DeaSettings(long memoryMb, int portFrom, int portTo, Path baseDir, UidRange appUids, int fdLimit,
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
        Objects.requireNonNull(appUids, "appUids");
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

    /** Where instance directories live: each belongs to its app's uid. */
    Path instancesDir() {
        return baseDir.resolve("instances");
    }

    /**
     * Instance directories are reachable by their apps (every directory above them traversable, none
     * listable); the droplet cache and pid files are the node's alone.
     */
    void openDirectories(Sandbox sandbox) throws IOException {
        Path data = Path.of(System.getProperty("karaf.data", baseDir.toString())).toAbsolutePath().normalize();
        Path base = baseDir.toAbsolutePath().normalize();
        sandbox.openPath(base.startsWith(data) ? data : base, instancesDir());
        for (String own : new String[] {"droplets", "pids"}) {
            Path dir = baseDir.resolve(own);
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
