package io.strato.services.mongodb;

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
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The mongodb service: every service instance is its own mongo-java-server (MongoDB wire protocol, H2
 * storage in the instance directory) in a child JVM on its own port. The server has no users, so an
 * instance is isolated by its server and port only; the credentials name a random database.
 * Immediate, so the servers of existing instances come back as soon as the node starts.
 */
@Component(service = {ServicePlugin.class, Role.class}, configurationPid = "io.strato.service.mongodb", immediate = true)
public final class MongoServicePlugin implements ServicePlugin, Role {

    /** Configuration of {@code etc/io.strato.service.mongodb.cfg}. */
    public @interface Config {
        /** Blank means ${karaf.data}/strato/services/mongodb. */
        String dataDir() default "";

        /** Address the servers listen on and apps connect to; the node's address for apps on other nodes. */
        String host() default "127.0.0.1";

        int portFirst() default 27100;

        int portLast() default 27999;

        /** Blank means the JVM the node runs on. */
        String javaBinary() default "";

        /** Maximum heap of each server's JVM. */
        int heapMb() default 64;

        int startTimeoutSeconds() default 30;

        /** The system user the servers run as when the node is root; blank: strato-mongodb, created when missing. */
        String runAs() default "";
    }

    private static final String PLAN = "free";
    private static final String DATABASE = "database";

    private final Path serverDir;
    private final String host;
    private final String java;
    private final int heapMb;
    private final SecureRandom random = new SecureRandom();
    private final InstanceServers servers;
    private String classPath;

    @Activate
    public MongoServicePlugin(Config config) {
        Path dataDir = InstanceServers.dataDir(config.dataDir(), "mongodb");
        this.serverDir = dataDir.resolve("server");
        this.host = config.host();
        this.java = config.javaBinary().isBlank()
                ? Path.of(System.getProperty("java.home"), "bin", "java").toString()
                : config.javaBinary();
        this.heapMb = config.heapMb();
        try {
            ServerUser user = ServerUser.forServer("mongodb", config.runAs());
            // the node's, passable by the servers' user on the way to their own directories
            user.prepareParent(dataDir);
            this.servers = new InstanceServers("mongodb server", dataDir.resolve("instances"),
                    new PortAllocator(config.host(), config.portFirst(), config.portLast()),
                    Duration.ofSeconds(config.startTimeoutSeconds()), user, this::command)
                    // the server has no users: only bound apps' uids (and the node) may connect from this machine
                    .guardPorts(PortGuard.open(PortGuard.serviceChain("mongodb", dataDir.toAbsolutePath().toString())));
        } catch (IOException e) {
            throw new IllegalStateException("the mongodb service cannot start: " + e.getMessage(), e);
        }
        servers.startAll();
    }

    @Deactivate
    void deactivate() {
        servers.close();
    }

    @Override
    public String name() {
        return "mongodb";
    }

    @Override
    public String description() {
        return "MongoDB data service: one mongo-java-server per service instance";
    }

    @Override
    public ServiceCatalogEntry catalog() {
        return new ServiceCatalogEntry("mongodb", "1.47", "MongoDB-compatible document store (mongo-java-server)",
                List.of("document", "mongodb"),
                List.of(new ServicePlan(PLAN, "Own mongodb server, " + heapMb + " MB of heap", true)));
    }

    @Override
    public ServiceInstance provision(String instanceId, String plan, Map<String, String> parameters) throws ServiceException {
        InstanceServer server = servers.create(instanceId, Map.of(DATABASE, newDatabaseName()));
        return new ServiceInstance(instanceId, plan, Map.of("port", Integer.toString(server.port())));
    }

    @Override
    public ServiceCredentials bind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        String bindingId = binding.bindingId();
        InstanceServer server = servers.require(instance.id());
        servers.grant(instance.id(), binding);
        String database = server.fact(DATABASE);
        String uri = "mongodb://" + host + ":" + server.port() + "/" + database;
        return new ServiceCredentials(uri, database, host, server.port(), "", "", Map.of());
    }

    /** The server has no users: the binding's app uid loses its port rule (unless another binding has that uid). */
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

    private List<String> command(Path dir, InstanceServer instance) throws IOException {
        return List.of(java, "-Xmx" + heapMb + "m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", classPath(), MongoServerFiles.MAIN_CLASS,
                host, Integer.toString(instance.port()), dir.resolve("data.mv").toAbsolutePath().toString());
    }

    /** Unpacked once per activation rather than for every server start. */
    private synchronized String classPath() throws IOException {
        if (classPath == null) {
            classPath = MongoServerFiles.unpack(serverDir);
        }
        return classPath;
    }

    /** Random rather than the instance id; no secret, though: the server lists its databases to whoever connects. */
    private String newDatabaseName() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return "db" + HexFormat.of().formatHex(bytes);
    }
}
