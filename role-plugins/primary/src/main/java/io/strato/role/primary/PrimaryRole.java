package io.strato.role.primary;

import io.strato.api.cluster.ClusterConfig;
import io.strato.api.cluster.ClusterKeys;
import io.strato.api.cluster.ClusterSecret;
import io.strato.api.cluster.PrimaryElection;
import io.strato.api.cluster.SharedState;
import io.strato.api.json.Json;
import io.strato.api.role.Role;
import io.strato.api.role.RoleException;
import io.strato.api.role.RoleNames;
import io.strato.api.store.Database;
import io.strato.api.store.StoreException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary role: exactly one per cluster. It claims the primary slot before anything else (a refused
 * claim fails activation and core rolls the feature back), then keeps the cluster configuration in the
 * store and publishes it to every node.
 */
@Component(service = {Role.class, ClusterConfigKeeper.class}, immediate = true)
public class PrimaryRole implements Role, ClusterConfigKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(PrimaryRole.class);

    private final PrimaryElection election;
    private final SharedState state;
    private final ClusterConfigStore store;

    @Activate
    public PrimaryRole(@Reference PrimaryElection election, @Reference(target = "(" + Database.SCOPE + "=" + Database.NODE + ")") Database database,
                       @Reference SharedState state, @Reference ClusterSecret secret) throws RoleException, StoreException {
        this.election = election;
        this.state = state;
        election.claim();
        try {
            this.store = new ClusterConfigStore(database);
            publish(store.loadOrCreate(published().orElse(ClusterConfig.DEFAULTS), secret.value()));
        } catch (StoreException | RuntimeException e) {
            election.release();
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        election.release();
    }

    @Override
    public ClusterConfig current() throws StoreException {
        return store.load().orElseThrow().config();
    }

    @Override
    public ClusterConfig update(String name, String appDomain) throws StoreException, RoleException {
        java.util.Optional<String> fenced = election.fenced();
        if (fenced.isPresent()) {
            LOG.warn("Refused a cluster configuration change: {}", fenced.get());
            throw new RoleException("the cluster configuration was not changed: " + fenced.get());
        }
        ClusterConfig current = current();
        ClusterConfig next = new ClusterConfig(name == null ? current.name() : name,
                appDomain == null ? current.appDomain() : appDomain);
        store.save(next);
        publish(next);
        LOG.info("Cluster configuration changed: name {}, app domain {}", next.name(), next.appDomain());
        return next;
    }

    /** What an earlier primary published: a node taking over keeps the cluster's name and domain. */
    private java.util.Optional<ClusterConfig> published() {
        return state.map(ClusterKeys.CLUSTER).get(ClusterKeys.CONFIG_KEY).map(json -> Json.read(json, ClusterConfig.class));
    }

    private void publish(ClusterConfig config) {
        state.map(ClusterKeys.CLUSTER).put(ClusterKeys.CONFIG_KEY, Json.write(config));
    }

    @Override
    public String name() {
        return RoleNames.PRIMARY;
    }

    @Override
    public String description() {
        return "The one node others attach to; keeps the cluster configuration and the cluster's log";
    }
}
