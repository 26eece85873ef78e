package io.strato.role.base.log;

import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.NodeRecord;
import io.strato.api.cluster.Registration;
import io.strato.api.cluster.SharedState;
import io.strato.api.json.Json;
import io.strato.api.log.ClusterLog;
import io.strato.api.log.ClusterLogChannels;
import io.strato.api.log.LogQuery;
import io.strato.api.log.LogTail;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the cluster's log for {@code kato:log-tail} on any node: on the primary from its collector, on other nodes
 * by asking the primary over the cluster. Asking costs the cluster nothing until someone reads, unlike a tail the
 * primary would keep publishing to every node.
 */
@Component(service = LogTailer.class)
public class LogTailer {

    static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

    private final SharedState shared;
    private final ClusterView cluster;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ClusterLog local;

    @Activate
    public LogTailer(@Reference SharedState shared, @Reference ClusterView cluster) {
        this.shared = shared;
        this.cluster = cluster;
    }

    /** @throws IllegalStateException saying why there is no answer (no primary, no answer in time) */
    public LogTail tail(LogQuery query) throws InterruptedException {
        ClusterLog here = local;
        if (here != null) {
            return here.tail(query);
        }
        Optional<NodeRecord> primary = cluster.primary();
        if (primary.isEmpty()) {
            throw new IllegalStateException("this cluster has no primary, which keeps the cluster's log: attach this node "
                    + "to one (kato:node-attach) or add the primary role (kato:role-add primary)");
        }
        CompletableFuture<LogTail> answer = new CompletableFuture<>();
        try (Registration r = shared.topic(ClusterLogChannels.TAILS).subscribe(m -> {
            try {
                LogTail tail = Json.read(m, LogTail.class);
                if (tail.queryId().equals(query.id())) {
                    answer.complete(tail);
                }
            } catch (IllegalArgumentException e) {
                // an answer to no query of ours
            }
        })) {
            shared.topic(ClusterLogChannels.QUERIES).publish(Json.write(query));
            return answer.get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the primary " + primary.get().name() + " did not answer within "
                    + ANSWER_WITHIN.toSeconds() + " s; try again, or read data/log/cluster.log on it");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
