package io.strato.role.controller.apps;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of one staging task, kept from the first, so a client that connects late still reads the whole
 * log; it ends with one line that says whether staging succeeded.
 */
public final class StagingLog {

    static final int MAX_LINES = 10_000;
    /** As for app logs: an empty line when nothing happened for this long, so a reader that left is noticed. */
    static final Duration KEEPALIVE = Duration.ofSeconds(15);
    /** Past the staging timeout, plus time for the periodic check that enforces it to run. */
    static final Duration LIMIT = StagingDispatcher.TIMEOUT.plusMinutes(1);

    private final String appGuid;
    private final long createdAt = System.currentTimeMillis();
    private final List<String> lines = new ArrayList<>();
    private boolean done;
    private long finishedAt;
    private int attempt;

    StagingLog(String appGuid) {
        this.appGuid = appGuid;
    }

    public String appGuid() {
        return appGuid;
    }

    /**
     * Notes that an event of {@code attempt} arrived. @return false when a later attempt was seen already, so the
     * event is of a stager the task was taken from (0, from a stager that predates attempts, is always taken)
     */
    synchronized boolean attempt(int attempt) {
        if (attempt != 0 && attempt < this.attempt) {
            return false;
        }
        this.attempt = Math.max(this.attempt, attempt);
        return true;
    }

    synchronized void append(String line) {
        if (!done && lines.size() < MAX_LINES) {
            lines.add(line);
            notifyAll();
        }
    }

    synchronized void finish(String lastLine) {
        if (!done) {
            lines.add(lastLine);
            done = true;
            finishedAt = System.currentTimeMillis();
            notifyAll();
        }
    }

    synchronized boolean done() {
        return done;
    }

    synchronized long finishedAt() {
        return finishedAt;
    }

    /**
     * Writes every line, waiting for new ones, until the final line, or until {@link #LIMIT} after the log
     * began (a task whose result never arrives, e.g. another controller's that died); an IOException means the
     * reader left.
     */
    public void stream(OutputStream out) throws IOException, InterruptedException {
        stream(out, KEEPALIVE, LIMIT);
    }

    void stream(OutputStream out, Duration keepAlive, Duration limit) throws IOException, InterruptedException {
        long deadline = createdAt + limit.toMillis();
        int next = 0;
        while (true) {
            List<String> batch;
            boolean end;
            synchronized (this) {
                long now = System.currentTimeMillis();
                long quietUntil = Math.min(now + keepAlive.toMillis(), deadline);
                while (next == lines.size() && !done && now < quietUntil) {
                    wait(quietUntil - now);
                    now = System.currentTimeMillis();
                }
                batch = new ArrayList<>(lines.subList(next, lines.size()));
                end = done;
            }
            if (batch.isEmpty() && !end) {
                if (System.currentTimeMillis() >= deadline) {
                    out.write(("Staging log ended: no result from the stager within " + limit.toSeconds() + " s\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    return;
                }
                out.write('\n');
            }
            for (String line : batch) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            next += batch.size();
            if (end) {
                return;
            }
        }
    }
}
