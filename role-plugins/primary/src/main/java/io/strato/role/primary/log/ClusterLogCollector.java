package io.strato.role.primary.log;

import io.strato.api.cluster.Registration;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.SharedState;
import io.strato.api.json.Json;
import io.strato.api.log.ClusterLog;
import io.strato.api.log.ClusterLogChannels;
import io.strato.api.log.LogAck;
import io.strato.api.log.LogBatch;
import io.strato.api.log.LogQuery;
import io.strato.api.log.LogTail;
import io.strato.api.log.NodeLogLine;
import io.strato.role.primary.ClusterConfigKeeper;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * The cluster's log on the primary: takes every node's {@link LogBatch}es, appends the lines it does not have yet to
 * {@code data/log/cluster.log}, keeps the newest in memory for tails, and acknowledges per node and boot. What it
 * acknowledged is also written to {@code data/log/cluster-log.acks}, so after a restart lines a node sends again
 * are not kept twice. It runs only where the primary role is active.
 */
@Component(service = ClusterLog.class, immediate = true, configurationPid = "io.strato.log")
@Designate(ocd = ClusterLogCollector.Config.class)
public class ClusterLogCollector implements ClusterLog {

    /** Writes to karaf.log only: a problem of the collector must not come back to it as a forwarded line. */
    private static final Logger LOG = LoggerFactory.getLogger(ClusterLogChannels.UNFORWARDED_LOGGER_PREFIX + "collector");

    @ObjectClassDefinition(name = "Strato cluster log", description = "The cluster's log the primary keeps")
    public @interface Config {
        @AttributeDefinition(description = "Size (MB) of data/log/cluster.log before it is rotated")
        int fileMaxMb() default 10;

        @AttributeDefinition(description = "Rotated files kept besides cluster.log (cluster.log.1 is the newest)")
        int files() default 5;

        @AttributeDefinition(description = "Newest lines kept in memory for kato:log-tail")
        int memoryLines() default 10_000;
    }

    private record NodeBoot(String boot, long seq) {
    }

    private record Kept(long cursor, NodeLogLine line) {
    }

    private final SharedState shared;
    private final SharedMap acks;
    private final ClusterLogFile file;
    private final Path ackFile;
    private final int memoryLines;
    private final String collector = UUID.randomUUID().toString();
    private final Map<String, NodeBoot> kept = new HashMap<>();
    private final Deque<Kept> memory = new ArrayDeque<>();
    private final List<Registration> subscriptions = new ArrayList<>();
    private long cursor;
    private String writeProblem;

    @Activate
    public ClusterLogCollector(@Reference SharedState shared, @Reference ClusterConfigKeeper primaryActive, Config config) {
        this(shared, Path.of(System.getProperty("karaf.data", "data"), "log"), config.fileMaxMb() * 1024L * 1024L,
                config.files(), config.memoryLines());
        LOG.info("Keeping the cluster's log in {} (rotated at {} MB, {} older files kept)", file.path(), config.fileMaxMb(), config.files());
    }

    ClusterLogCollector(SharedState shared, Path dir, long fileMaxBytes, int files, int memoryLines) {
        if (memoryLines < 1) {
            throw new IllegalArgumentException("the cluster log must keep at least one line in memory, not " + memoryLines);
        }
        this.shared = shared;
        this.acks = shared.map(ClusterLogChannels.ACKS);
        this.file = new ClusterLogFile(dir.resolve("cluster.log"), fileMaxBytes, files, ZoneId.systemDefault());
        this.ackFile = dir.resolve("cluster-log.acks");
        this.memoryLines = memoryLines;
        loadAcks();
        try {
            for (NodeLogLine line : file.newest(memoryLines)) {
                memory.addLast(new Kept(++cursor, line));
            }
        } catch (IOException e) {
            LOG.warn("Cannot read {} back ({}): tails show the lines that arrive from now on", file.path(), e.getMessage());
        }
        subscriptions.add(shared.topic(ClusterLogChannels.BATCHES).subscribe(this::received));
        subscriptions.add(shared.topic(ClusterLogChannels.QUERIES).subscribe(this::asked));
    }

    @Deactivate
    void deactivate() {
        subscriptions.forEach(Registration::close);
    }

    private void received(String message) {
        LogBatch batch;
        try {
            batch = Json.read(message, LogBatch.class);
        } catch (IllegalArgumentException e) {
            LOG.debug("Ignored a log batch that is not one: {}", e.getMessage());
            return;
        }
        Long ack = keep(batch);
        if (ack != null) {
            acks.put(batch.nodeId(), Json.write(new LogAck(batch.boot(), ack)), ClusterLogChannels.ACK_TTL);
        }
    }

    /** @return the sequence number to acknowledge, or null when there is nothing to acknowledge */
    synchronized Long keep(LogBatch batch) {
        NodeBoot known = kept.get(batch.nodeId());
        if (known == null || !known.boot().equals(batch.boot())) {
            known = new NodeBoot(batch.boot(), 0); // the node started again: its numbers start again
        }
        if (batch.lines().isEmpty()) {
            return known.seq() > 0 ? known.seq() : null;
        }
        if (batch.firstSeq() > known.seq() + 1 && !batch.startsAtOldest()) {
            // a batch before this one got lost: wait for the node to send again from what was acknowledged
            return known.seq() > 0 ? known.seq() : null;
        }
        long have = known.seq();
        List<NodeLogLine> fresh = batch.lines().stream().filter(l -> l.seq() > have).toList();
        if (fresh.isEmpty()) {
            return have; // sent again: kept already
        }
        try {
            file.append(fresh);
            if (writeProblem != null) {
                LOG.info("Writing {} works again", file.path());
                writeProblem = null;
            }
        } catch (IOException | RuntimeException e) {
            String what = String.valueOf(e.getMessage());
            if (!what.equals(writeProblem)) {
                LOG.error("Cannot write the cluster's log to {} ({}); the nodes keep their lines until it can", file.path(), what);
                writeProblem = what;
            }
            return have > 0 ? have : null;
        }
        for (NodeLogLine line : fresh) {
            memory.addLast(new Kept(++cursor, line));
            if (memory.size() > memoryLines) {
                memory.removeFirst();
            }
        }
        kept.put(batch.nodeId(), new NodeBoot(batch.boot(), batch.lastSeq()));
        saveAcks();
        return batch.lastSeq();
    }

    @Override
    public synchronized LogTail tail(LogQuery query) {
        List<NodeLogLine> out = new ArrayList<>();
        for (Iterator<Kept> it = memory.descendingIterator(); it.hasNext() && out.size() < query.lines(); ) {
            Kept k = it.next();
            if (k.cursor() <= query.after()) {
                break;
            }
            if (query.matches(k.line())) {
                out.add(k.line());
            }
        }
        Collections.reverse(out);
        return new LogTail(query.id(), collector, cursor, out);
    }

    private void asked(String message) {
        LogQuery query;
        try {
            query = Json.read(message, LogQuery.class);
        } catch (IllegalArgumentException e) {
            LOG.debug("Ignored a log query that is not one: {}", e.getMessage());
            return;
        }
        shared.topic(ClusterLogChannels.TAILS).publish(Json.write(tail(query)));
    }

    private void loadAcks() {
        if (!Files.exists(ackFile)) {
            return;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(ackFile, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            LOG.warn("Cannot read {} ({}): lines nodes send again after this restart may be kept twice", ackFile, e.getMessage());
            return;
        }
        for (String node : p.stringPropertyNames()) {
            String[] bootSeq = p.getProperty(node).trim().split("\\s+");
            try {
                kept.put(node, new NodeBoot(bootSeq[0], Long.parseLong(bootSeq[1])));
            } catch (RuntimeException e) {
                LOG.warn("Ignored the entry of node {} in {}: '{}' is not '<boot> <line number>'", node, ackFile, p.getProperty(node));
            }
        }
    }

    /** Written before the acknowledgement goes out: a line acknowledged is a line this file knows. */
    private void saveAcks() {
        Properties p = new Properties();
        kept.forEach((node, k) -> p.setProperty(node, k.boot() + " " + k.seq()));
        Path tmp = ackFile.resolveSibling(ackFile.getFileName() + ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "last line of each node's boot in cluster.log");
            }
            Files.move(tmp, ackFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("Cannot write {} ({}): lines nodes send again after a restart may be kept twice", ackFile, e.getMessage());
        }
    }
}
