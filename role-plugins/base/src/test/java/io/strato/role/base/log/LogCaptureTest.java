package io.strato.role.base.log;

import io.strato.api.log.ClusterLogChannels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogCaptureTest {

    private final LogCapture capture = new LogCapture(100);
    private final Thread here = Thread.currentThread();

    @Test
    void takesStratoLinesFromInfoAndEveryonesWarningsAndErrors() {
        assertTrue(capture.capture(1, "INFO", "io.strato.core.internal.RoleServiceImpl", here, "Added roles: dea", List.of()));
        assertTrue(capture.capture(2, "WARN", "com.hazelcast.nio.tcp.TcpIpConnector", here, "cannot connect", List.of()));
        assertTrue(capture.capture(3, "ERROR", "org.apache.cxf.Servlet", here, "failed", List.of("java.io.IOException: x", "\tat a.b(C.java:1)")));
        assertFalse(capture.capture(4, "INFO", "org.apache.karaf.features", here, "installing", List.of()));
        assertFalse(capture.capture(5, "DEBUG", "io.strato.role.dea.DeaRole", here, "details", List.of()));

        List<ForwardBuffer.Entry> taken = capture.buffer().after(0, 10).entries();
        assertEquals(List.of("Added roles: dea", "cannot connect", "failed"), taken.stream().map(ForwardBuffer.Entry::message).toList());
        assertEquals(List.of("java.io.IOException: x", "\tat a.b(C.java:1)"), taken.get(2).trace());
    }

    @Test
    void neverTakesWhatTheForwarderItselfLogsSoAProblemCannotFeedItself() throws InterruptedException {
        // the forwarder's and the collector's loggers
        assertFalse(capture.capture(1, "WARN", ClusterLogChannels.UNFORWARDED_LOGGER_PREFIX + "forwarder", here,
                "Cannot forward log lines to the primary", List.of()));
        assertFalse(capture.capture(2, "ERROR", ClusterLogChannels.UNFORWARDED_LOGGER_PREFIX + "collector", here,
                "Cannot write the cluster's log", List.of()));
        // and whatever the cluster layer logs while the forwarder's thread calls it
        Thread forwarder = new Thread(() -> { }, "strato-log-forwarder");
        capture.quiet(forwarder);
        assertFalse(capture.capture(3, "WARN", "com.hazelcast.spi.impl.operationservice", forwarder, "no connection", List.of()));
        assertEquals(0, capture.buffer().size());
        capture.unquiet(forwarder);
        assertTrue(capture.capture(4, "WARN", "com.hazelcast.spi.impl.operationservice", forwarder, "no connection", List.of()));
    }

    @Test
    void aHugeMessageAndALongTraceAreCut() {
        List<String> trace = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            trace.add("\tat frame" + i);
        }
        capture.capture(1, "ERROR", "io.strato.x", here, "x".repeat(20_000), trace);
        ForwardBuffer.Entry e = capture.buffer().after(0, 1).entries().get(0);
        assertTrue(e.message().endsWith(" [12000 more characters]"), e.message().substring(LogCapture.MAX_MESSAGE_CHARS));
        assertEquals(LogCapture.MAX_TRACE_LINES + 1, e.trace().size());
        assertEquals("... 38 more", e.trace().get(LogCapture.MAX_TRACE_LINES));
    }
}
