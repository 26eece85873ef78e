package io.strato.broker;

import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCatalogEntry;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceHealth;
import io.strato.api.service.ServiceInstance;
import io.strato.api.service.ServicePlan;
import io.strato.api.service.ServicePlugin;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A plugin that keeps its "databases" and "users" in sets, and fails a provision on request. */
final class FakePlugin implements ServicePlugin {

    final Set<String> databases = ConcurrentHashMap.newKeySet();
    final Set<String> users = ConcurrentHashMap.newKeySet();
    /** binding id → the app guid bind found in the instance's details, "" when none */
    final Map<String, String> boundApps = new ConcurrentHashMap<>();
    /** binding id → the app uid bind and unbind were given */
    final Map<String, Integer> boundUids = new ConcurrentHashMap<>();
    final Map<String, Integer> unboundUids = new ConcurrentHashMap<>();

    @Override
    public ServiceCatalogEntry catalog() {
        return new ServiceCatalogEntry("fakedb", "1.0", "a database in a set", List.of("relational"),
                List.of(new ServicePlan("free", "small", true), new ServicePlan("big", "large", false)));
    }

    @Override
    public ServiceInstance provision(String instanceId, String plan, Map<String, String> parameters)
            throws ServiceException {
        if ("true".equals(parameters.get("fail"))) {
            throw new ServiceException("the server refused");
        }
        databases.add(instanceId);
        return new ServiceInstance(instanceId, plan, Map.of("db", "d_" + instanceId));
    }

    @Override
    public ServiceCredentials bind(ServiceInstance instance, ServiceBinding binding) {
        String bindingId = binding.bindingId();
        users.add(bindingId);
        boundUids.put(bindingId, binding.appUid());
        boundApps.put(bindingId, instance.details().getOrDefault(ServiceBroker.BIND_APP_GUID, ""));
        return new ServiceCredentials("fake://u_" + bindingId + "@host/" + instance.details().get("db"),
                instance.details().get("db"), "host", 4000, "u_" + bindingId, "secret", Map.of());
    }

    @Override
    public void unbind(ServiceInstance instance, ServiceBinding binding) {
        users.remove(binding.bindingId());
        unboundUids.put(binding.bindingId(), binding.appUid());
    }

    @Override
    public void deprovision(ServiceInstance instance) {
        databases.remove(instance.id());
    }

    /** What health() answers; it blocks while {@link #healthHangs} is held. */
    volatile ServiceHealth health = ServiceHealth.up("ok");
    final java.util.concurrent.Semaphore healthHangs = new java.util.concurrent.Semaphore(1);
    final java.util.concurrent.atomic.AtomicInteger healthChecks = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public ServiceHealth health() {
        healthChecks.incrementAndGet();
        healthHangs.acquireUninterruptibly();
        healthHangs.release();
        return health;
    }
}
