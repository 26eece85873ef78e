package io.strato.role.base.log;

import io.strato.api.log.ClusterLogChannels;
import io.strato.api.log.LogLevels;
import org.ops4j.pax.logging.spi.PaxAppender;
import org.ops4j.pax.logging.spi.PaxLoggingEvent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Takes this node's log lines for the cluster's log, fed by pax-logging's {@code PaxOsgi} appender: every line of
 * an {@code io.strato.*} logger at INFO or above, and every WARN and ERROR of any logger. It only puts the line in
 * the bounded {@link ForwardBuffer}: the logging thread never waits for the cluster.
 */
@Component(service = {PaxAppender.class, LogCapture.class}, immediate = true, configurationPid = "io.strato.log",
        property = "org.ops4j.pax.logging.appender.name=StratoClusterLog")
@Designate(ocd = LogCapture.Config.class)
public class LogCapture implements PaxAppender {

    static final int MAX_MESSAGE_CHARS = 8_000;
    static final int MAX_TRACE_LINES = 12;

    @ObjectClassDefinition(name = "Strato cluster log", description = "What each node forwards to the primary's cluster log")
    public @interface Config {
        @AttributeDefinition(description = "Log lines a node keeps until the primary has them; when full the oldest go")
        int bufferLines() default 10_000;
    }

    private final ForwardBuffer buffer;
    private final String boot = UUID.randomUUID().toString();
    private final Set<Thread> quietThreads = ConcurrentHashMap.newKeySet();

    @Activate
    public LogCapture(Config config) {
        this(config.bufferLines());
    }

    LogCapture(int bufferLines) {
        this.buffer = new ForwardBuffer(bufferLines);
    }

    @Override
    public void doAppend(PaxLoggingEvent event) {
        try {
            String[] trace = event.getThrowableStrRep();
            capture(event.getTimeStamp(), level(event), event.getLoggerName(), Thread.currentThread(),
                    event.getRenderedMessage(), trace == null ? List.of() : Arrays.asList(trace));
        } catch (RuntimeException e) {
            // a line the cluster's log cannot take must not fail the logging call
        }
    }

    /** @return whether the line was taken */
    boolean capture(long timestamp, String level, String logger, Thread thread, String message, List<String> trace) {
        String name = logger == null ? "" : logger;
        if (quietThreads.contains(thread) || name.startsWith(ClusterLogChannels.UNFORWARDED_LOGGER_PREFIX)) {
            return false; // the forwarder's own lines: forwarding them could feed itself
        }
        boolean strato = name.startsWith("io.strato.") && LogLevels.atLeast(level, "INFO");
        if (!strato && !LogLevels.atLeast(level, "WARN")) {
            return false;
        }
        String text = message == null ? "" : message;
        if (text.length() > MAX_MESSAGE_CHARS) {
            text = text.substring(0, MAX_MESSAGE_CHARS) + " [" + (text.length() - MAX_MESSAGE_CHARS) + " more characters]";
        }
        List<String> first = new ArrayList<>(trace.subList(0, Math.min(trace.size(), MAX_TRACE_LINES)));
        if (trace.size() > MAX_TRACE_LINES) {
            first.add("... " + (trace.size() - MAX_TRACE_LINES) + " more");
        }
        buffer.append(timestamp, LogLevels.normalize(level), name, text, first);
        return true;
    }

    private static String level(PaxLoggingEvent event) {
        String name = String.valueOf(event.getLevel());
        if (LogLevels.ALL.contains(name)) {
            return name;
        }
        int syslog = event.getLevel().getSyslogEquivalent();
        return syslog <= 3 ? "ERROR" : syslog == 4 ? "WARN" : syslog <= 6 ? "INFO" : "DEBUG";
    }

    /** Lines logged on this thread are never taken (the forwarder's thread, whatever it calls logs). */
    void quiet(Thread thread) {
        quietThreads.add(thread);
    }

    void unquiet(Thread thread) {
        quietThreads.remove(thread);
    }

    ForwardBuffer buffer() {
        return buffer;
    }

    /** This run of the node's capture: sequence numbers are per boot. */
    String boot() {
        return boot;
    }
}
