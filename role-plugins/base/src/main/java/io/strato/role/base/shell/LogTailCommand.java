package io.strato.role.base.shell;

import io.strato.api.log.LogQuery;
import io.strato.api.log.LogTail;
import io.strato.api.log.NodeLogLine;
import io.strato.api.shell.CommandServices;
import io.strato.role.base.log.LogTailer;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.io.PrintStream;
import java.time.ZoneId;
import java.util.UUID;

@Command(scope = "kato", name = "log-tail", description = "Prints the cluster's log: every node's lines, as the primary keeps them")
@Service
public class LogTailCommand implements Action {

    static final long FOLLOW_EVERY_MS = 1000;

    @Reference(optional = true)
    LogTailer tailer;

    @Option(name = "--node", description = "Only this node's lines (its name or id)")
    String node;

    @Option(name = "-n", aliases = "--lines", description = "How many of the newest lines (default 50, at most 10000)")
    int lines = 50;

    @Option(name = "--level", description = "Only lines of this level or more severe: ERROR, WARN, INFO, DEBUG")
    String level = "TRACE";

    @Option(name = "-f", aliases = "--follow", description = "Keep printing new lines until Ctrl-C")
    boolean follow;

    @Override
    public Object execute() throws Exception {
        LogTailer tailer = CommandServices.require(this.tailer, CommandServices.NOT_CONNECTED);
        PrintStream out = System.out;
        ZoneId zone = ZoneId.systemDefault();
        LogTail tail = tailer.tail(new LogQuery(UUID.randomUUID().toString(), node, level, lines, 0));
        print(tail, out, zone);
        String problem = null;
        while (follow && !Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(FOLLOW_EVERY_MS);
            } catch (InterruptedException e) {
                break; // Ctrl-C
            }
            try {
                LogTail next = tailer.tail(new LogQuery(UUID.randomUUID().toString(), node, level, LogQuery.MAX_LINES,
                        tail.cursor()));
                if (!next.collector().equals(tail.collector())) {
                    out.println("-- the primary's collector restarted; its lines since then follow --");
                    next = tailer.tail(new LogQuery(UUID.randomUUID().toString(), node, level, LogQuery.MAX_LINES, 0));
                }
                print(next, out, zone);
                tail = next;
                if (problem != null) {
                    out.println("-- the primary answers again --");
                    problem = null;
                }
            } catch (InterruptedException e) {
                break; // Ctrl-C while waiting for the primary's answer
            } catch (IllegalStateException e) {
                if (!e.getMessage().equals(problem)) {
                    out.println("-- " + e.getMessage() + "; still trying --");
                    problem = e.getMessage();
                }
            }
        }
        return null;
    }

    private static void print(LogTail tail, PrintStream out, ZoneId zone) {
        for (NodeLogLine line : tail.lines()) {
            out.println(line.format(zone));
        }
        out.flush();
    }
}
