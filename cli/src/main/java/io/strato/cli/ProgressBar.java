package io.strato.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongConsumer;

/** A one-line upload bar on stderr: {@code Uploading [#####     ]  50% 1.2 MB / 2.4 MB}. */
public final class ProgressBar implements LongConsumer {

    private static final int WIDTH = 30;

    private final PrintStream err;
    private final String label;
    private final long total;
    private int lastPercent = -1;

    public ProgressBar(PrintStream err, String label, long total) {
        this.err = err;
        this.label = label;
        this.total = total;
    }

    @Override
    public synchronized void accept(long sent) {
        int percent = total == 0 ? 100 : (int) Math.min(100, sent * 100 / total);
        // Redraw only when the percentage moves, so a fast upload does not flood a slow terminal.
        if (percent == lastPercent) {
            return;
        }
        lastPercent = percent;
        int filled = percent * WIDTH / 100;
        err.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                + String.format(Locale.ROOT, "%3d%%", percent) + " " + human(sent) + " / " + human(total));
        err.flush();
    }

    public void finish() {
        accept(total);
        err.println();
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }
}
