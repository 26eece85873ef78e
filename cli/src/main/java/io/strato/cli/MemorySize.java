package io.strato.cli;

import io.strato.api.manifest.ManifestParser;

/**
 * Memory sizes as users write them: {@code 256} and {@code 256M} are megabytes, {@code 1G} is 1024.
 * Parsed by the platform's manifest parser so a flag and a manifest accept the same sizes.
 */
public final class MemorySize {

    private MemorySize() {
    }

    public static int megabytes(String text) {
        long mb;
        try {
            mb = ManifestParser.parseMemoryMb(text == null ? "" : text);
        } catch (IllegalArgumentException e) {
            throw new CliError("Invalid memory size: " + e.getMessage());
        }
        if (mb > Integer.MAX_VALUE) {
            throw new CliError("Invalid memory size: '" + text + "' is more than any node has");
        }
        return (int) mb;
    }

    public static String format(int megabytes) {
        return megabytes % 1024 == 0 && megabytes > 0 ? megabytes / 1024 + "G" : megabytes + "M";
    }
}
