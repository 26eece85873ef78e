package io.strato.controller.apps;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of one staging task, kept from the first, so a client that connects late still reads the whole
 * log; it ends with one line that says whether staging succeeded.
 */
public final class StagingLog {

    static final int MAX_LINES = 10_000;

    private final String appGuid;
    private final List<String> lines = new ArrayList<>();
    private boolean done;
    private long finishedAt;

    StagingLog(String appGuid) {
        this.appGuid = appGuid;
    }

    public String appGuid() {
        return appGuid;
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

    /** Writes every line, waiting for new ones, until the final line; an IOException means the reader left. */
    public void stream(OutputStream out) throws IOException, InterruptedException {
        int next = 0;
        while (true) {
            List<String> batch;
            boolean end;
            synchronized (this) {
                while (next == lines.size() && !done) {
                    wait(1000);
                }
                batch = new ArrayList<>(lines.subList(next, lines.size()));
                end = done;
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
