package io.strato.broker;

import io.strato.api.app.Channels;
import io.strato.api.cluster.SharedMap;
import io.strato.api.cluster.SharedState;
import io.strato.api.json.Json;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCatalogEntry;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceHealth;
import io.strato.api.service.ServiceInstance;
import io.strato.api.service.ServiceOffering;
import io.strato.api.service.ServicePlugin;
import io.strato.api.store.Database;
import io.strato.api.store.StoreException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the node's broker does, without HTTP: keeps the plugins installed on this node by label, advertises
 * them to the cluster, and runs provision / bind / unbind / deprovision against them, recording only what
 * succeeded. Statuses in {@link BrokerException} are those of the Open Service Broker API.
 */
final class ServiceBroker {

    /** The outcome of a provision or bind: 201 when it was done now, 200 when it had been done before. */
    record Outcome(int status, Map<String, Object> body) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ServiceBroker.class);

    private final BrokerStore store;
    private final SharedMap catalog;
    private final String nodeId;
    private final String brokerUrl;
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

    private final Map<String, ServicePlugin> plugins = new ConcurrentHashMap<>();
    /** Health checks run here, so a plugin whose server hangs cannot hold up the catalog's refresh. */
    private final ExecutorService healthChecks = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "strato-broker-health");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, CompletableFuture<ServiceHealth>> checking = new ConcurrentHashMap<>();

    ServiceBroker(Database database, SharedState shared, String nodeId, String brokerUrl) throws StoreException {
        this.store = new BrokerStore(database);
        this.catalog = shared.map(Channels.BROKER_CATALOG);
        this.nodeId = nodeId;
        this.brokerUrl = brokerUrl;
    }

    void addPlugin(ServicePlugin plugin) {
        ServiceCatalogEntry entry = plugin.catalog();
        ServicePlugin before = plugins.put(entry.label(), plugin);
        if (before != null && before != plugin) {
            LOG.warn("two service plugins offer '{}' on this node; the last one installed serves it", entry.label());
        }
        advertise(plugin);
    }

    void removePlugin(ServicePlugin plugin) {
        String label = plugin.catalog().label();
        if (plugins.remove(label, plugin)) {
            catalog.remove(nodeId + "|" + label);
        }
    }

    /** Writes every plugin's entry again, so the entries outlive their TTL while this node lives. */
    void advertiseAll() {
        plugins.values().forEach(this::advertise);
    }

    private void advertise(ServicePlugin plugin) {
        ServiceCatalogEntry entry = plugin.catalog();
        ServiceOffering offering = ServiceOffering.of(nodeId, brokerUrl, entry, health(entry.label(), plugin));
        catalog.put(offering.key(), Json.write(offering), Channels.OWNED_TTL);
    }

    /**
     * The plugin's health, waited for at most {@link #HEALTH_TIMEOUT}; a check still running from before is
     * waited for rather than started again, so a hung server costs one thread, not one per refresh.
     */
    private ServiceHealth health(String label, ServicePlugin plugin) {
        CompletableFuture<ServiceHealth> check = checking.compute(label, (k, running) ->
                running != null && !running.isDone() ? running : CompletableFuture.supplyAsync(() -> {
                    try {
                        return plugin.health();
                    } catch (RuntimeException e) {
                        return ServiceHealth.down("its health check failed: " + e);
                    }
                }, healthChecks));
        try {
            return check.get(HEALTH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return ServiceHealth.down(label + " did not answer its health check within " + HEALTH_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            return ServiceHealth.down("its health check failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ServiceHealth.down("its health check was interrupted");
        }
    }

    /** Takes this node's entries out of the catalog at once rather than when they expire. */
    void withdrawAll() {
        plugins.keySet().forEach(label -> catalog.remove(nodeId + "|" + label));
        healthChecks.shutdownNow();
    }

    List<ServiceCatalogEntry> catalog() {
        return plugins.values().stream().map(ServicePlugin::catalog)
                .sorted(Comparator.comparing(ServiceCatalogEntry::label)).toList();
    }

    Outcome provision(String instanceId, String label, String plan, Map<String, String> parameters)
            throws BrokerException {
        ServicePlugin plugin = plugin(label);
        if (plugin.catalog().plans().stream().noneMatch(p -> p.name().equals(plan))) {
            throw new BrokerException(400, "service " + label + " has no plan " + plan);
        }
        Optional<BrokerStore.Stored> existing = stored(instanceId);
        if (existing.isPresent()) {
            BrokerStore.Stored s = existing.get();
            if (s.label().equals(label) && s.instance().plan().equals(plan)) {
                return new Outcome(200, Map.of());
            }
            throw new BrokerException(409, "service instance " + instanceId + " exists with another service or plan");
        }
        ServiceInstance instance;
        try {
            instance = plugin.provision(instanceId, plan, parameters);
        } catch (ServiceException | RuntimeException e) {
            throw new BrokerException(500, label + ": provision failed: " + e.getMessage());
        }
        try {
            store.addInstance(label, instance);
        } catch (SQLException e) {
            undo(() -> plugin.deprovision(instance), "deprovision " + instanceId);
            throw new BrokerException(500, "the broker could not record service instance " + instanceId + ": "
                    + e.getMessage());
        }
        LOG.info("provisioned {} instance {} (plan {})", label, instanceId, plan);
        return new Outcome(201, Map.of());
    }

    /** Removes an instance and its data, revoking any binding the platform did not remove first. */
    void deprovision(String instanceId) throws BrokerException {
        BrokerStore.Stored s = stored(instanceId).orElseThrow(() ->
                new BrokerException(410, "no service instance " + instanceId));
        ServicePlugin plugin = plugin(s.label());
        try {
            for (ServiceBinding binding : store.bindingsOf(instanceId)) {
                unbind(plugin, s.instance(), binding);
            }
            plugin.deprovision(s.instance());
            store.removeInstance(instanceId);
        } catch (ServiceException | RuntimeException e) {
            throw new BrokerException(500, s.label() + ": deprovision failed: " + e.getMessage());
        } catch (SQLException e) {
            throw new BrokerException(500, "the broker could not update its records: " + e.getMessage());
        }
        LOG.info("deprovisioned {} instance {}", s.label(), instanceId);
    }

    /**
     * Key under which a plugin's {@code bind} also finds the guid of the app being bound in the instance's details
     * (when the platform sent one), for plugins written before {@link ServiceBinding} carried it.
     */
    static final String BIND_APP_GUID = "app_guid";

    /** Binds the app the binding names; the binding is recorded with its app uid, which unbind hands back. */
    Outcome bind(String instanceId, ServiceBinding binding) throws BrokerException {
        BrokerStore.Stored s = stored(instanceId).orElseThrow(() ->
                new BrokerException(404, "no service instance " + instanceId));
        ServicePlugin plugin = plugin(s.label());
        String bindingId = binding.bindingId();
        try {
            if (store.bindingInstance(bindingId).isPresent()) {
                // credentials are handed out once and not kept here
                throw new BrokerException(409, "binding " + bindingId + " exists");
            }
        } catch (SQLException e) {
            throw new BrokerException(500, "the broker could not read its records: " + e.getMessage());
        }
        ServiceCredentials credentials;
        try {
            credentials = plugin.bind(withApp(s.instance(), binding.appGuid()), binding);
        } catch (ServiceException | RuntimeException e) {
            throw new BrokerException(500, s.label() + ": bind failed: " + e.getMessage());
        }
        try {
            store.addBinding(binding, instanceId);
        } catch (SQLException e) {
            undo(() -> plugin.unbind(s.instance(), binding), "unbind " + bindingId);
            throw new BrokerException(500, "the broker could not record binding " + bindingId + ": " + e.getMessage());
        }
        LOG.info("bound {} instance {} to app {} (uid {}), binding {}", s.label(), instanceId, binding.appGuid(),
                binding.appUid(), bindingId);
        return new Outcome(201, Map.of("credentials", credentials.toMap()));
    }

    private static ServiceInstance withApp(ServiceInstance instance, String appGuid) {
        if (appGuid == null || appGuid.isEmpty()) {
            return instance;
        }
        Map<String, String> details = new HashMap<>(instance.details());
        details.put(BIND_APP_GUID, appGuid);
        return new ServiceInstance(instance.id(), instance.plan(), details);
    }

    void unbind(String instanceId, String bindingId) throws BrokerException {
        BrokerStore.Stored s = stored(instanceId).orElseThrow(() ->
                new BrokerException(410, "no service instance " + instanceId));
        try {
            ServiceBinding binding = store.binding(instanceId, bindingId).orElseThrow(() ->
                    new BrokerException(410, "no binding " + bindingId + " of service instance " + instanceId));
            unbind(plugin(s.label()), s.instance(), binding);
        } catch (ServiceException | RuntimeException e) {
            throw new BrokerException(500, s.label() + ": unbind failed: " + e.getMessage());
        } catch (SQLException e) {
            throw new BrokerException(500, "the broker could not update its records: " + e.getMessage());
        }
    }

    private void unbind(ServicePlugin plugin, ServiceInstance instance, ServiceBinding binding)
            throws ServiceException, SQLException {
        plugin.unbind(instance, binding);
        store.removeBinding(binding.bindingId());
    }

    private ServicePlugin plugin(String label) throws BrokerException {
        ServicePlugin plugin = label == null ? null : plugins.get(label);
        if (plugin == null) {
            throw new BrokerException(400, "service " + label + " is not installed on node " + nodeId);
        }
        return plugin;
    }

    private Optional<BrokerStore.Stored> stored(String instanceId) throws BrokerException {
        try {
            return store.instance(instanceId);
        } catch (SQLException e) {
            throw new BrokerException(500, "the broker could not read its records: " + e.getMessage());
        }
    }

    @FunctionalInterface
    private interface Undo {
        void run() throws ServiceException;
    }

    private static void undo(Undo undo, String what) {
        try {
            undo.run();
        } catch (ServiceException | RuntimeException e) {
            LOG.error("could not {} after a failure; it is left behind: {}", what, e.getMessage());
        }
    }
}
