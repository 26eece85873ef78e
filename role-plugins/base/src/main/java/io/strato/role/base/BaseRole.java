package io.strato.role.base;

import io.strato.api.cluster.NodeHeartbeat;
import io.strato.api.role.Role;
import io.strato.api.role.RoleNames;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The base role, mandatory on every node: it keeps the node known to the cluster by publishing its
 * record (identity, roles and their state) on a heartbeat. Without base a node's record expires and the
 * cluster stops counting it. Its log components ({@code io.strato.role.base.log}) forward the node's log lines
 * to the primary.
 */
@Component(service = Role.class, immediate = true)
public class BaseRole implements Role {

    private static final Logger LOG = LoggerFactory.getLogger(BaseRole.class);

    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strato-heartbeat");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public BaseRole(@Reference NodeHeartbeat node) {
        long periodMs = node.recordTtl().toMillis() / 3;
        heartbeat.scheduleAtFixedRate(() -> {
            try {
                node.beat();
            } catch (RuntimeException e) {
                LOG.warn("Heartbeat to the cluster failed: {}", e.getMessage());
            }
        }, 0, periodMs, TimeUnit.MILLISECONDS);
        LOG.info("Base role active: heartbeat every {} ms", periodMs);
    }

    @Deactivate
    void deactivate() {
        heartbeat.shutdownNow();
    }

    @Override
    public String name() {
        return RoleNames.BASE;
    }

    @Override
    public String description() {
        return "Node identity, heartbeat to the cluster, forwards the node's log lines to the primary; mandatory on every node";
    }

    @Override
    public Set<String> requires() {
        return Set.of();
    }
}
