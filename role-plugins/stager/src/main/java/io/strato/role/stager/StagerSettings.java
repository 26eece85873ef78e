package io.strato.role.stager;

import io.strato.api.sandbox.UidRange;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The stager's configuration ({@code etc/io.strato.stager.cfg}), resolved.
 *
 * @param workDir       where packages are unpacked and droplets built; each task uses its own sub-directory,
 *                      removed when the task ends
 * @param maxConcurrent tasks staged at the same time; more wait in line
 * @param npmCommand    the npm executable
 * @param pipCommand    the pip executable
 * @param timeout       a task that takes longer fails
 * @param appUids       uids staging may run as (each app its own, given by the controller), when the node runs as root
 */
public record StagerSettings(Path workDir, int maxConcurrent, String npmCommand, String pipCommand, Duration timeout,
                             UidRange appUids) {
    public StagerSettings {
        Objects.requireNonNull(workDir, "workDir");
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, not " + maxConcurrent);
        }
        npmCommand = npmCommand == null || npmCommand.isBlank() ? "npm" : npmCommand.trim();
        pipCommand = pipCommand == null || pipCommand.isBlank() ? "pip3" : pipCommand.trim();
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the staging timeout must be positive");
        }
        Objects.requireNonNull(appUids, "appUids");
    }

    /** Memory a staging task may use: the app's, but never less than npm and pip need. */
    static long stagingMemoryMb(long appMemoryMb) {
        return Math.max(appMemoryMb, 1024);
    }
}
