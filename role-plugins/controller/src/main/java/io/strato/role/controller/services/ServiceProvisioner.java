package io.strato.role.controller.services;

import io.strato.api.service.ServiceOffering;
import com.fasterxml.jackson.databind.JsonNode;
import io.strato.role.controller.Sql;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions, binds, unbinds and deprovisions through the broker of the node that offers (or holds) a
 * service, and records the outcome. A record is written only after the broker succeeded, and a broker
 * success the controller cannot record is undone, so the two never disagree about what exists.
 */
public final class ServiceProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceProvisioner.class);

    private final ServiceStore store;
    private final ServiceCatalog catalog;
    private final BrokerClient brokers;

    public ServiceProvisioner(ServiceStore store, ServiceCatalog catalog, BrokerClient brokers) {
        this.store = store;
        this.catalog = catalog;
        this.brokers = brokers;
    }

    /**
     * Creates an instance on the node offering the plan that holds the fewest instances of the service, among
     * the nodes where the service's server is healthy.
     *
     * @throws BrokerClient.BrokerCallException when no node offers it, it is down everywhere, or the broker failed
     * @throws Sql.DuplicateKeyException when the name was taken meanwhile (nothing is left behind)
     */
    public ManagedServiceInstance provision(String name, String spaceGuid, ServiceCatalog.Plan plan,
                                            Map<String, String> parameters) {
        List<ServiceOffering> offerings = catalog.offeringsOf(plan.label(), plan.name());
        List<ServiceOffering> healthy = offerings.stream().filter(o -> o.health().up()).toList();
        if (!offerings.isEmpty() && healthy.isEmpty()) {
            throw new BrokerClient.BrokerCallException(plan.label() + " is down on every node that offers it ("
                    + offerings.get(0).nodeId() + ": " + offerings.get(0).health().detail() + "): ask an admin to check it");
        }
        ServiceOffering offering = healthy.stream()
                .min(Comparator.comparingInt((ServiceOffering o) -> store.instancesOn(o.nodeId(), o.label()))
                        .thenComparing(ServiceOffering::nodeId))
                .orElseThrow(() -> new BrokerClient.BrokerCallException("no node offers " + plan.label() + " "
                        + plan.name() + " any more: ask an admin to check the node running it"));
        String guid = UUID.randomUUID().toString();
        brokers.provision(offering.brokerUrl(), guid, plan.label(), plan.name(), parameters);
        ManagedServiceInstance instance = new ManagedServiceInstance(guid, name, spaceGuid, plan.label(), plan.name(),
                offering.tags(), offering.nodeId(), offering.brokerUrl(), System.currentTimeMillis());
        try {
            store.create(instance);
        } catch (RuntimeException e) {
            undo(() -> brokers.deprovision(offering.brokerUrl(), guid), "deprovision " + guid);
            throw e;
        }
        return instance;
    }

    /** Deletes the instance and its data; its bindings must be gone. */
    public void deprovision(ManagedServiceInstance instance) {
        brokers.deprovision(brokerUrl(instance), instance.guid());
        store.deleteInstance(instance.guid());
    }

    /**
     * @param appUid the uid the app's code runs as: the broker grants it access where the server cannot tell apps
     *               apart by credentials
     * @throws BrokerClient.BrokerCallException when the broker failed
     * @throws Sql.DuplicateKeyException when the app was bound meanwhile (nothing is left behind)
     */
    public ServiceBinding bind(ManagedServiceInstance instance, String appGuid, int appUid) {
        String guid = UUID.randomUUID().toString();
        String url = brokerUrl(instance);
        JsonNode credentials = brokers.bind(url, instance.guid(), guid, appGuid, appUid);
        ServiceBinding binding = new ServiceBinding(guid, instance.guid(), appGuid, credentials.toString(),
                System.currentTimeMillis());
        try {
            store.create(binding);
        } catch (RuntimeException e) {
            undo(() -> brokers.unbind(url, instance.guid(), guid), "unbind " + guid);
            throw e;
        }
        return binding;
    }

    public void unbind(ServiceBinding binding) {
        store.instance(binding.instanceGuid()).ifPresent(i -> brokers.unbind(brokerUrl(i), i.guid(), binding.guid()));
        store.deleteBinding(binding.guid());
    }

    /**
     * Revokes every binding of an app that is being deleted. A broker that cannot be reached keeps that
     * binding's user, which nothing uses any more; the app's deletion does not wait for it.
     */
    public void unbindApp(String appGuid) {
        for (ServiceBinding b : store.bindings(appGuid, null)) {
            try {
                unbind(b);
            } catch (BrokerClient.BrokerCallException e) {
                store.deleteBinding(b.guid());
                LOG.warn("app {} is deleted, but its service binding {} could not be revoked: {}", appGuid, b.guid(),
                        e.getMessage());
            }
        }
    }

    /** Where the instance's broker answers now: its node's current entry, else where it answered before. */
    private String brokerUrl(ManagedServiceInstance instance) {
        return catalog.offering(instance.nodeId(), instance.label()).map(ServiceOffering::brokerUrl)
                .orElse(instance.brokerUrl());
    }

    private static void undo(Runnable undo, String what) {
        try {
            undo.run();
        } catch (RuntimeException e) {
            LOG.error("could not {} after a failure; the broker keeps it: {}", what, e.getMessage());
        }
    }
}
