package io.strato.services.memcached;

import io.strato.api.role.Role;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCatalogEntry;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceHealth;
import io.strato.api.service.ServiceInstance;
import io.strato.api.service.ServicePlan;
import io.strato.api.service.ServicePlugin;
import io.strato.api.service.process.InstanceServer;
import io.strato.api.service.process.InstanceServers;
import io.strato.api.service.process.PortAllocator;
import io.strato.api.service.process.ServerUser;
import io.strato.api.net.PortGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The memcached service: every service instance is its own memcached child process on its own port.
 * Debian's memcached is built without SASL, so there is no password: the servers listen on {@code host} only
 * (loopback by default) and per-uid port rules let only bound apps' uids connect from this machine.
 */
@Component(service = {ServicePlugin.class, Role.class}, configurationPid = "io.strato.service.memcached", immediate = true)
public final class MemcachedServicePlugin implements ServicePlugin, Role {

    /** Configuration of {@code etc/io.strato.service.memcached.cfg}. */
    public @interface Config {
        /** Blank means ${karaf.data}/strato/services/memcached. */
        String dataDir() default "";

        /** Address the servers listen on and apps connect to. */
        String host() default "127.0.0.1";

        int portFirst() default 18000;

        int portLast() default 18999;

        String serverBinary() default "/usr/bin/memcached";

        int memoryMb() default 64;

        /** The system user the servers run as when the node is root; blank: strato-memcached, created when missing. */
        String runAs() default "";

        int startTimeoutSeconds() default 30;
    }

    private static final String PLAN = "free";
    private static final String MEMORY = "memoryMb";

    private final String host;
    private final String serverBinary;
    private final int memoryMb;
    private final InstanceServers servers;

    @Activate
    public MemcachedServicePlugin(Config config) {
        Path dataDir = InstanceServers.dataDir(config.dataDir(), "memcached");
        this.host = config.host();
        this.serverBinary = config.serverBinary();
        this.memoryMb = config.memoryMb();
        try {
            ServerUser user = ServerUser.forServer("memcached", config.runAs());
            // the node's, passable by the servers' user on the way to their own directories
            user.prepareParent(dataDir);
            this.servers = new InstanceServers("memcached server", dataDir.resolve("instances"),
                    new PortAllocator(config.host(), config.portFirst(), config.portLast()),
                    Duration.ofSeconds(config.startTimeoutSeconds()), user, this::command)
                    // no SASL: only bound apps' uids (and the node) may connect from this machine
                    .guardPorts(PortGuard.open(PortGuard.serviceChain("memcached", dataDir.toAbsolutePath().toString())));
        } catch (IOException e) {
            throw new IllegalStateException("the memcached service cannot start: " + e.getMessage(), e);
        }
        servers.startAll();
    }

    @Deactivate
    void deactivate() {
        servers.close();
    }

    @Override
    public String name() {
        return "memcached";
    }

    @Override
    public String description() {
        return "Memcached data service: one memcached server per service instance";
    }

    @Override
    public ServiceCatalogEntry catalog() {
        return new ServiceCatalogEntry("memcached", "1.6", "Memcached in-memory cache", List.of("cache", "memcached"),
                List.of(new ServicePlan(PLAN, "Own memcached server, " + memoryMb + " MB", true)));
    }

    @Override
    public ServiceInstance provision(String instanceId, String plan, Map<String, String> parameters) throws ServiceException {
        InstanceServer server = servers.create(instanceId, Map.of(MEMORY, Integer.toString(memoryMb)));
        return new ServiceInstance(instanceId, plan, Map.of("port", Integer.toString(server.port())));
    }

    @Override
    public ServiceCredentials bind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        String bindingId = binding.bindingId();
        InstanceServer server = servers.require(instance.id());
        servers.grant(instance.id(), binding);
        return new ServiceCredentials("memcached://" + host + ":" + server.port(), instance.id(), host, server.port(), "", "", Map.of());
    }

    /** Without SASL there is no secret: the binding's app uid loses its port rule (unless another binding has that uid). */
    @Override
    public void unbind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        servers.revoke(instance.id(), binding);
    }

    @Override
    public void deprovision(ServiceInstance instance) throws ServiceException {
        servers.delete(instance.id());
    }

    @Override
    public ServiceHealth health() {
        return servers.health();
    }

    /** The cache size stays what it was at provision time; UDP is off (it is an amplification vector). */
    private List<String> command(Path dir, InstanceServer instance) throws IOException {
        if (!Files.isExecutable(Path.of(serverBinary))) {
            throw new IOException("memcached is not installed at " + serverBinary
                    + " (apt-get install memcached, or set serverBinary in etc/io.strato.service.memcached.cfg)");
        }
        // run as its own user (InstanceServers wraps the command), so memcached never starts as root nor needs -u
        return new ArrayList<>(List.of(serverBinary, "-l", host, "-p", Integer.toString(instance.port()),
                "-U", "0", "-m", instance.fact(MEMORY)));
    }

}
