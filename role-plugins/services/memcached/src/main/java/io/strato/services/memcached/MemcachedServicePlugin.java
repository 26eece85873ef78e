package io.strato.services.memcached;

import io.strato.api.role.Role;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCatalogEntry;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceInstance;
import io.strato.api.service.ServicePlan;
import io.strato.api.service.ServicePlugin;
import io.strato.api.service.process.InstanceServer;
import io.strato.api.service.process.InstanceServerPlugin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The memcached service: every service instance is its own memcached child process on its own port.
 * Debian's memcached is built without SASL, so there is no password: the servers listen on {@code host} only
 * (loopback by default) and per-uid port rules let only bound apps' uids connect from this machine.
 */
@Component(service = {ServicePlugin.class, Role.class}, configurationPid = "io.strato.service.memcached", immediate = true)
@Designate(ocd = MemcachedServicePlugin.Config.class)
public final class MemcachedServicePlugin extends InstanceServerPlugin {

    @ObjectClassDefinition(name = "Strato memcached service", description = "One memcached server per service instance")
    public @interface Config {
        @AttributeDefinition(description = "Where instances keep their files; blank means ${karaf.data}/strato/services/memcached")
        String dataDir() default "";

        @AttributeDefinition(description = "Address the servers listen on and apps connect to")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "First port of the range instances get theirs from")
        int portFirst() default 18000;

        @AttributeDefinition(description = "Last port of that range")
        int portLast() default 18999;

        @AttributeDefinition(description = "The memcached binary (Debian: apt-get install memcached)")
        String serverBinary() default "/usr/bin/memcached";

        @AttributeDefinition(description = "Cache size of each new instance, in MB")
        int memoryMb() default 64;

        @AttributeDefinition(description = "System user the servers run as when the node is root; blank means strato-memcached, created when missing")
        String runAs() default "";

        @AttributeDefinition(description = "Seconds a server may take to answer on its port when it starts")
        int startTimeoutSeconds() default 30;
    }

    private static final String MEMORY = "memoryMb";

    private final String serverBinary;
    private final int memoryMb;

    @Activate
    public MemcachedServicePlugin(Config config) {
        // no SASL: only bound apps' uids (and the node) may connect from this machine
        super(new Settings("memcached", config.dataDir(), config.host(), config.portFirst(), config.portLast(),
                config.runAs(), config.startTimeoutSeconds(), true));
        this.serverBinary = config.serverBinary();
        this.memoryMb = config.memoryMb();
        startServers();
    }

    @Deactivate
    void deactivate() {
        close();
    }

    @Override
    public String description() {
        return "Memcached data service: one memcached server per service instance";
    }

    @Override
    public ServiceCatalogEntry catalog() {
        return new ServiceCatalogEntry("memcached", "1.6", "Memcached in-memory cache", List.of("cache", "memcached"),
                List.of(new ServicePlan("free", "Own memcached server, " + memoryMb + " MB", true)));
    }

    /** The cache size stays what it was at provision time. */
    @Override
    protected Map<String, String> newInstanceFacts(String plan, Map<String, String> parameters) {
        return Map.of(MEMORY, Integer.toString(memoryMb));
    }

    @Override
    protected ServiceCredentials credentials(ServiceInstance instance, ServiceBinding binding, InstanceServer server) {
        return new ServiceCredentials("memcached://" + host + ":" + server.port(), instance.id(), host, server.port(), "", "", Map.of());
    }

    /** UDP is off (it is an amplification vector); run as its own user, so memcached never starts as root nor needs -u. */
    @Override
    protected List<String> command(Path dir, InstanceServer instance) throws IOException {
        if (!Files.isExecutable(Path.of(serverBinary))) {
            throw new IOException("memcached is not installed at " + serverBinary
                    + " (apt-get install memcached, or set serverBinary in etc/io.strato.service.memcached.cfg)");
        }
        return List.of(serverBinary, "-l", host, "-p", Integer.toString(instance.port()), "-U", "0", "-m", instance.fact(MEMORY));
    }
}
