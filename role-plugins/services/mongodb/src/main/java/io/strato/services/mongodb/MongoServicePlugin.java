package io.strato.services.mongodb;

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
 * The mongodb service: every service instance is its own mongo-java-server (MongoDB wire protocol, H2
 * storage in the instance directory) in a child JVM on its own port. The server has no users, so an
 * instance is isolated by its server and port only; the credentials name a random database.
 * Immediate, so the servers of existing instances come back as soon as the node starts.
 */
@Component(service = {ServicePlugin.class, Role.class}, configurationPid = "io.strato.service.mongodb", immediate = true)
@Designate(ocd = MongoServicePlugin.Config.class)
public final class MongoServicePlugin extends InstanceServerPlugin {

    @ObjectClassDefinition(name = "Strato mongodb service", description = "One mongo-java-server per service instance")
    public @interface Config {
        @AttributeDefinition(description = "Where instances keep their files; blank means ${karaf.data}/strato/services/mongodb")
        String dataDir() default "";

        @AttributeDefinition(description = "Address the servers listen on and apps connect to; the node's address for apps on other nodes")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "First port of the range instances get theirs from")
        int portFirst() default 27100;

        @AttributeDefinition(description = "Last port of that range")
        int portLast() default 27999;

        @AttributeDefinition(description = "The java binary the servers run on; blank means the node's own")
        String javaBinary() default "";

        @AttributeDefinition(description = "Maximum heap of each server's JVM, in MB")
        int heapMb() default 64;

        @AttributeDefinition(description = "Seconds a server may take to answer on its port when it starts")
        int startTimeoutSeconds() default 30;

        @AttributeDefinition(description = "System user the servers run as when the node is root; blank means strato-mongodb, created when missing")
        String runAs() default "";
    }

    private static final String DATABASE = "database";
    /** The launcher in each server's child JVM; a name, not a class literal, so that nothing in Karaf loads it. */
    static final String MAIN_CLASS = "io.strato.services.mongodb.server.MongoServerMain";

    private final String java;
    private final int heapMb;

    @Activate
    public MongoServicePlugin(Config config) {
        // the server has no users: only bound apps' uids (and the node) may connect from this machine
        super(new Settings("mongodb", config.dataDir(), config.host(), config.portFirst(), config.portLast(),
                config.runAs(), config.startTimeoutSeconds(), true));
        this.java = config.javaBinary().isBlank()
                ? nodeJava()
                : config.javaBinary();
        this.heapMb = config.heapMb();
        startServers();
    }

    @Deactivate
    void deactivate() {
        close();
    }

    @Override
    public String description() {
        return "MongoDB data service: one mongo-java-server per service instance";
    }

    @Override
    public ServiceCatalogEntry catalog() {
        return new ServiceCatalogEntry("mongodb", "1.47", "MongoDB-compatible document store (mongo-java-server)",
                List.of("document", "mongodb"),
                List.of(new ServicePlan("free", "Own mongodb server, " + heapMb + " MB of heap", true)));
    }

    /** Random rather than the instance id; no secret, though: the server lists its databases to whoever connects. */
    @Override
    protected Map<String, String> newInstanceFacts(String plan, Map<String, String> parameters) {
        return Map.of(DATABASE, "db" + newSecret());
    }

    @Override
    protected ServiceCredentials credentials(ServiceInstance instance, ServiceBinding binding, InstanceServer server) {
        String database = server.fact(DATABASE);
        String uri = "mongodb://" + host + ":" + server.port() + "/" + database;
        return new ServiceCredentials(uri, database, host, server.port(), "", "", Map.of());
    }

    @Override
    protected List<String> command(Path dir, InstanceServer instance) throws IOException {
        return List.of(java, "-Xmx" + heapMb + "m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", serverClassPath(MAIN_CLASS), MAIN_CLASS,
                host, Integer.toString(instance.port()), dir.resolve("data.mv").toAbsolutePath().toString());
    }
}
