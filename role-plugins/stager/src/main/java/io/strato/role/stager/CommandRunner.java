package io.strato.role.stager;

import io.strato.api.process.BoundedLineReader;
import io.strato.api.sandbox.ProcessTree;
import io.strato.api.sandbox.Sandbox;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one shell command of a staging task (a hook, npm, pip) in the app's sandbox, in the app
 * directory, streaming its output to the task log; kills its whole process tree when the task runs out
 * of time or is cancelled, and whatever it left running when it ends.
 */
final class CommandRunner {

    /** How output lines are indented under their step header. */
    static final String INDENT = "       ";
    private static final int TAIL_LINES = 40;

    /** What a command printed last and how it ended. */
    record Result(int exitStatus, List<String> tail) {
    }

    private final Sandbox sandbox;
    private final Sandbox.Launch template;
    private final Instant deadline;
    private final StagingOutput log;

    /** @param template where and as whom commands run; its command is replaced by each one run */
    CommandRunner(Sandbox sandbox, Sandbox.Launch template, Instant deadline, StagingOutput log) {
        this.sandbox = sandbox;
        this.template = template;
        this.deadline = deadline;
        this.log = log;
    }

    Result run(String command) throws StagingFailure, InterruptedException {
        Process process;
        try {
            process = sandbox.start(template.withCommand(command), true);
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
                ProcessTree.terminate(process, sandbox.ownProcessGroup(), template.cgroup(), Duration.ZERO);
                throw new StagingFailure("staging timed out while running '" + command + "'");
            }
            reader.join(2000);
        } catch (InterruptedException e) {
            ProcessTree.terminate(process, sandbox.ownProcessGroup(), template.cgroup(), Duration.ZERO);
            throw e;
        }
        // a command may leave daemons behind; none may outlive its step
        ProcessTree.killLeftovers(process, sandbox.ownProcessGroup(), template.cgroup());
        synchronized (tail) {
            return new Result(process.exitValue(), List.copyOf(tail));
        }
    }
}
