package io.strato.role.base.log;

import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.SharedState;
import io.strato.api.log.ClusterLogChannels;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends this node's captured log lines to the primary twice a second, on a thread of its own whose logging is never
 * captured. It comes and goes with the cluster connection; the lines wait in {@link LogCapture} meanwhile.
 */
@Component(immediate = true)
public class LogForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterLogChannels.UNFORWARDED_LOGGER_PREFIX + "forwarder");
    static final int BATCH_LINES = 500;
    static final long ROUND_MS = 500;
    static final long RESEND_AFTER_MS = 10_000;

    private final LogCapture capture;
    private final ScheduledExecutorService thread;

    @Activate
    public LogForwarder(@Reference SharedState shared, @Reference ClusterView cluster, @Reference LogCapture capture) {
        this.capture = capture;
        LogSender sender = new LogSender(capture.buffer(), capture.boot(), shared.topic(ClusterLogChannels.BATCHES),
                shared.map(ClusterLogChannels.ACKS), cluster::localNode, () -> cluster.primary().isPresent(),
                System::currentTimeMillis, BATCH_LINES, 4, RESEND_AFTER_MS);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strato-log-forwarder");
            t.setDaemon(true);
            capture.quiet(t);
            return t;
        });
        thread.scheduleWithFixedDelay(sender::round, ROUND_MS, ROUND_MS, TimeUnit.MILLISECONDS);
        LOG.info("Forwarding this node's log lines to the primary (up to {} kept while it is unreachable)",
                capture.buffer().capacity());
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        thread.shutdownNow();
        thread.awaitTermination(5, TimeUnit.SECONDS);
    }
}
