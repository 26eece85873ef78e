package io.strato.services.redis;

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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The redis service: every service instance is its own redis-server child process on its own port, with
 * its own random requirepass and its own data directory (append-only file, so data survives restarts).
 * Immediate, so the servers of existing instances come back as soon as the node starts.
 */
@Component(service = {ServicePlugin.class, Role.class}, configurationPid = "io.strato.service.redis", immediate = true)
public final class RedisServicePlugin implements ServicePlugin, Role {

    /** Configuration of {@code etc/io.strato.service.redis.cfg}. */
    public @interface Config {
        /** Blank means ${karaf.data}/strato/services/redis. */
        String dataDir() default "";

        /** Address the servers listen on and apps connect to; the node's address for apps on other nodes. */
        String host() default "127.0.0.1";

        int portFirst() default 17000;

        int portLast() default 17999;

        /** Blank means the Linux x86-64 redis-server shipped in this bundle; e.g. /usr/bin/redis-server otherwise. */
        String serverBinary() default "";

        int maxMemoryMb() default 64;

        int startTimeoutSeconds() default 30;
    }

    private static final String PLAN = "free";
    private static final String PASSWORD = "password";

    private final Path binDir;
    private final String host;
    private final String serverBinary;
    private final int maxMemoryMb;
    private final SecureRandom random = new SecureRandom();
    private final InstanceServers servers;
    private Path binary;

    @Activate
    public RedisServicePlugin(Config config) {
        Path dataDir = InstanceServers.dataDir(config.dataDir(), "redis");
        this.binDir = dataDir.resolve("bin");
        this.host = config.host();
        this.serverBinary = config.serverBinary();
        this.maxMemoryMb = config.maxMemoryMb();
        this.servers = new InstanceServers("redis server", dataDir.resolve("instances"),
                new PortAllocator(config.host(), config.portFirst(), config.portLast()),
                Duration.ofSeconds(config.startTimeoutSeconds()), this::command);
        servers.startAll();
    }

    @Deactivate
    void deactivate() {
        servers.close();
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public String description() {
        return "Redis data service: one password-protected redis server per service instance";
    }

    @Override
    public ServiceCatalogEntry catalog() {
        return new ServiceCatalogEntry("redis", "6.2", "Redis key-value store", List.of("key-value", "redis"),
                List.of(new ServicePlan(PLAN, "Own redis server, " + maxMemoryMb + " MB of memory", true)));
    }

    @Override
    public ServiceInstance provision(String instanceId, String plan, Map<String, String> parameters) throws ServiceException {
        InstanceServer server = servers.create(instanceId, Map.of(PASSWORD, newPassword()));
        return new ServiceInstance(instanceId, plan, Map.of("port", Integer.toString(server.port())));
    }

    @Override
    public ServiceCredentials bind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        String bindingId = binding.bindingId();
        InstanceServer server = servers.require(instance.id());
        String password = server.fact(PASSWORD);
        String uri = "redis://:" + password + "@" + host + ":" + server.port();
        return new ServiceCredentials(uri, instance.id(), host, server.port(), "", password, Map.of());
    }

    /** Bindings share the instance's password (redis has one per server), so there is nothing to revoke per binding. */
    @Override
    public void unbind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        String bindingId = binding.bindingId();
        servers.require(instance.id());
    }

    @Override
    public void deprovision(ServiceInstance instance) throws ServiceException {
        servers.delete(instance.id());
    }

    @Override
    public ServiceHealth health() {
        return servers.health();
    }

    /** Written at every start, so a changed host or memory limit applies to existing instances too. */
    private List<String> command(Path dir, InstanceServer instance) throws IOException {
        Path conf = dir.resolve("redis.conf");
        Files.deleteIfExists(conf);
        Files.createFile(conf, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(conf, String.join("\n",
                "port " + instance.port(),
                "bind " + host,
                "protected-mode yes",
                "requirepass " + instance.fact(PASSWORD),
                "dir " + dir.toAbsolutePath(),
                "appendonly yes",
                "daemonize no",
                "logfile \"\"",
                "maxmemory " + maxMemoryMb + "mb",
                "maxmemory-policy noeviction",
                ""));
        return List.of(binary().toString(), conf.toAbsolutePath().toString());
    }

    /** Unpacked once per activation rather than read from the bundle for every server start. */
    private synchronized Path binary() throws IOException {
        if (binary == null) {
            binary = RedisServerBinary.locate(serverBinary, binDir);
        }
        return binary;
    }

    private String newPassword() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
