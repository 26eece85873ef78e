package io.strato.stager;

import io.strato.api.process.BoundedLineReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one shell command of a staging task (a hook, npm, pip) in the app directory, streaming its
 * output to the task log, and kills its whole process tree when the task runs out of time or is
 * cancelled.
 */
final class CommandRunner {

    /** How output lines are indented under their step header. */
    static final String INDENT = "       ";
    private static final int TAIL_LINES = 40;

    /** What a command printed last and how it ended. */
    record Result(int exitStatus, List<String> tail) {
    }

    /** With setsid each command leads its own process group, which catches children that left its tree. */
    private static final boolean SETSID = Files.isExecutable(Path.of("/usr/bin/setsid"))
            || Files.isExecutable(Path.of("/bin/setsid"));

    private final Path dir;
    private final Map<String, String> environment;
    private final Instant deadline;
    private final StagingLog log;

    CommandRunner(Path dir, Map<String, String> environment, Instant deadline, StagingLog log) {
        this.dir = dir;
        this.environment = environment;
        this.deadline = deadline;
        this.log = log;
    }

    Result run(String command) throws StagingFailure, InterruptedException {
        List<String> argv = SETSID ? List.of("setsid", "bash", "-c", command) : List.of("bash", "-c", command);
        ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // only what the task gives: the node's own environment may hold secrets
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new StagingFailure("could not run '" + command + "': " + e.getMessage(), e);
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> {
            try (BoundedLineReader in = new BoundedLineReader(process.getInputStream())) {
                String line;
                while ((line = in.readLine()) != null) {
                    log.line(INDENT + line);
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process was killed; its output ends here
            }
        }, "strato-stager-output");
        reader.setDaemon(true);
        reader.start();
        try {
            long millis = Math.max(0, deadline.toEpochMilli() - System.currentTimeMillis());
            if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
                killTree(process);
                throw new StagingFailure("staging timed out while running '" + command + "'");
            }
            reader.join(2000);
        } catch (InterruptedException e) {
            killTree(process);
            throw e;
        }
        // a command may leave daemons behind; none may outlive its step
        killGroup(process.pid());
        synchronized (tail) {
            return new Result(process.exitValue(), List.copyOf(tail));
        }
    }

    /** The tree is taken before the parent dies, so that no child is re-parented and missed. */
    static void killTree(Process process) {
        List<ProcessHandle> tree = process.descendants().toList();
        killGroup(process.pid());
        tree.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void killGroup(long pgid) {
        if (!SETSID) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-KILL", "--", "-" + pgid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no kill command: the process tree is still killed one by one
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
