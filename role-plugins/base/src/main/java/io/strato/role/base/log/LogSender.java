package io.strato.role.base.log;

import io.strato.api.cluster.NodeRecord;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.Topic;
import io.strato.api.json.Json;
import io.strato.api.log.ClusterLogChannels;
import io.strato.api.log.LogAck;
import io.strato.api.log.LogBatch;
import io.strato.api.log.NodeLogLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One round of forwarding, run again and again on the forwarder's thread: lets go of what the primary acknowledged,
 * sends what it has not been sent, and sends again from the last acknowledgement when none came for a while (a
 * primary that restarted, or a partition). The primary ignores lines it already has, so nothing is kept twice.
 */
final class LogSender {

    /** Writes to karaf.log only (see {@link ClusterLogChannels#UNFORWARDED_LOGGER_PREFIX}). */
    private static final Logger LOG = LoggerFactory.getLogger(ClusterLogChannels.UNFORWARDED_LOGGER_PREFIX + "forwarder");

    private final ForwardBuffer buffer;
    private final String boot;
    private final Topic batches;
    private final SharedMap acks;
    private final Supplier<NodeRecord> self;
    private final BooleanSupplier primaryAlive;
    private final LongSupplier clock;
    private final int batchLines;
    private final int batchesPerRound;
    private final long resendAfterMs;

    private long acked;
    private long sentThrough;
    private long lastProgress;
    private String problem;

    LogSender(ForwardBuffer buffer, String boot, Topic batches, SharedMap acks, Supplier<NodeRecord> self,
              BooleanSupplier primaryAlive, LongSupplier clock, int batchLines, int batchesPerRound, long resendAfterMs) {
        this.buffer = buffer;
        this.boot = boot;
        this.batches = batches;
        this.acks = acks;
        this.self = self;
        this.primaryAlive = primaryAlive;
        this.clock = clock;
        this.batchLines = batchLines;
        this.batchesPerRound = batchesPerRound;
        this.resendAfterMs = resendAfterMs;
        this.lastProgress = clock.getAsLong();
    }

    /** @return how many lines were sent in this round */
    int round() {
        try {
            int sent = send();
            if (problem != null) {
                LOG.info("Forwarding log lines to the primary works again ({} waiting)", buffer.size());
                problem = null;
            }
            return sent;
        } catch (RuntimeException e) {
            String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (!what.equals(problem)) { // once per kind of problem, not once per round
                LOG.warn("Cannot forward log lines to the primary ({}); keeping them, {} waiting", what, buffer.size());
                problem = what;
            }
            return 0;
        }
    }

    private int send() {
        if (buffer.size() == 0) {
            return 0; // nothing waits: no need to ask the cluster anything
        }
        NodeRecord node = self.get();
        Optional<LogAck> ack = acks.get(node.id()).flatMap(LogSender::readAck);
        long now = clock.getAsLong();
        if (ack.isPresent() && ack.get().boot().equals(boot) && ack.get().seq() > acked) {
            acked = ack.get().seq();
            buffer.acknowledge(acked);
            lastProgress = now;
        }
        if (sentThrough < acked) {
            sentThrough = acked;
        }
        if (!primaryAlive.getAsBoolean()) {
            return 0; // kept until a primary is there
        }
        if (sentThrough > acked && now - lastProgress >= resendAfterMs) {
            LOG.debug("No acknowledgement from the primary for {} ms: sending again after line {}", now - lastProgress, acked);
            sentThrough = acked;
        }
        int sent = 0;
        for (int i = 0; i < batchesPerRound; i++) {
            ForwardBuffer.Slice slice = buffer.after(sentThrough, batchLines);
            if (slice.entries().isEmpty()) {
                break;
            }
            if (sentThrough == acked) {
                lastProgress = now; // the wait for an acknowledgement starts now
            }
            List<NodeLogLine> lines = slice.entries().stream().map(e -> new NodeLogLine(node.id(), node.name(), e.seq(),
                    e.timestamp(), e.level(), e.logger(), e.message(), e.trace())).toList();
            batches.publish(Json.write(new LogBatch(node.id(), boot, slice.startsAtOldest(), lines)));
            sentThrough = lines.get(lines.size() - 1).seq();
            sent += lines.size();
        }
        return sent;
    }

    private static Optional<LogAck> readAck(String json) {
        try {
            return Optional.of(Json.read(json, LogAck.class));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    long acknowledged() {
        return acked;
    }
}
