package io.strato.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Progress of one long call on stderr, for calls that cannot report their own (a service whose server starts
 * first): {@code Creating service 'db' (mysql, plan free)...... done in 6.2 s}, a dot a second.
 */
public final class Waiting implements AutoCloseable {

    private final PrintStream err;
    private final long started = System.nanoTime();
    private final ScheduledExecutorService dots;
    private boolean done;

    private Waiting(PrintStream err, String what) {
        this.err = err;
        err.print(what);
        err.flush();
        this.dots = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strato-waiting");
            t.setDaemon(true);
            return t;
        });
        dots.scheduleAtFixedRate(this::dot, 1, 1, TimeUnit.SECONDS);
    }

    public static Waiting start(PrintStream err, String what) {
        return new Waiting(err, what);
    }

    private synchronized void dot() {
        if (!done) {
            err.print('.');
            err.flush();
        }
    }

    /** The call succeeded. */
    public synchronized void done() {
        finish(" done in " + String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - started) / 1e9));
    }

    /** Ends the line; "failed" unless {@link #done()} came first. */
    @Override
    public synchronized void close() {
        finish(" failed");
    }

    private void finish(String word) {
        if (done) {
            return;
        }
        done = true;
        dots.shutdownNow();
        err.println(word);
    }
}
