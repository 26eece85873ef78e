package ${package};

import io.strato.api.role.Role;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCatalogEntry;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceInstance;
import io.strato.api.service.ServicePlan;
import io.strato.api.service.ServicePlugin;
import io.strato.api.service.process.InstanceServer;
import io.strato.api.service.process.InstanceServerPlugin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The ${service} service: a database server (H2) per service instance; each binding is a database user of its own.
 * To run another server, change {@link #command}, {@link #credentials}, {@link #unbind} and the catalog.
 */
// Starts once its configuration is there: the feature puts the .cfg into etc/ and Karaf loads it a moment later;
// started on defaults before that, the plugin would restart then, failing whatever came in meanwhile.
@Component(service = {ServicePlugin.class, Role.class}, configurationPid = "${package}", configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true)
@Designate(ocd = ${serviceClass}ServicePlugin.Config.class)
public final class ${serviceClass}ServicePlugin extends InstanceServerPlugin {

    static final String LABEL = "${service}";

    @ObjectClassDefinition(name = "${service} service", description = "One database server per service instance")
    public @interface Config {
        @AttributeDefinition(description = "Where instances keep their files; blank means ${karaf.data}/strato/services/${service}")
        String dataDir() default "";
        @AttributeDefinition(description = "Address the servers listen on and apps connect to")
        String host() default "127.0.0.1";
        @AttributeDefinition(description = "First port of the range instances get theirs from")
        int portFirst() default 19400;
        @AttributeDefinition(description = "Last port of that range")
        int portLast() default 19499;
    }

    @Activate
    public ${serviceClass}ServicePlugin(Config config) {
        // servers run as the system user strato-${service}, get 30 s to answer on their port, and only bound apps may connect
        super(new Settings(LABEL, config.dataDir(), config.host(), config.portFirst(), config.portLast(), "", 30, true));
        startServers();
    }

    @Deactivate
    void deactivate() { close(); }

    @Override
    public ServiceCatalogEntry catalog() {
        return new ServiceCatalogEntry(LABEL, "1.0", "${service}: an SQL database of its own", List.of("sql", LABEL),
                List.of(new ServicePlan("free", "Own database server", true)));
    }

    @Override
    protected Map<String, String> newInstanceFacts(String plan, Map<String, String> parameters) {
        return Map.of("adminPassword", newSecret());
    }

    /** A user per binding, who may create tables and use every binding's; binding again gives a new password. */
    @Override
    protected ServiceCredentials credentials(ServiceInstance instance, ServiceBinding binding, InstanceServer server)
            throws ServiceException {
        String user = userOf(binding);
        String password = newSecret();
        admin(url(server), server, "CREATE USER IF NOT EXISTS " + user + " PASSWORD '" + password + "'",
                "ALTER USER " + user + " SET PASSWORD '" + password + "'", "GRANT ALTER ANY SCHEMA TO " + user,
                "GRANT ALL ON SCHEMA PUBLIC TO " + user);
        return new ServiceCredentials(url(server), "db", host, server.port(), user, password, Map.of("jdbcUrl", url(server)));
    }

    @Override
    public void unbind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        InstanceServer server = servers.require(instance.id());
        admin(url(server), server, "DROP USER IF EXISTS " + userOf(binding));
        super.unbind(instance, binding);
    }

    /** At its first start, the admin (with the instance's secret) creates the database, which then is the server's. */
    @Override
    protected List<String> command(Path dir, InstanceServer instance) throws IOException, ServiceException {
        if (!Files.exists(dir.resolve("db.mv.db"))) {
            admin("jdbc:h2:file:" + dir.resolve("db"), instance, "SELECT 1");
            user.own(dir.resolve("db.mv.db"));
        }
        return List.of(nodeJava(), "-Xmx64m", "-Dh2.bindAddress=" + host,
                "-cp", serverClassPath(), "org.h2.tools.Server", "-tcp", "-tcpPort", Integer.toString(instance.port()),
                "-tcpAllowOthers", "-baseDir", dir.toString());
    }

    /** H2 user names are upper case; a binding id is letters, digits, '-' and '_'. */
    private static String userOf(ServiceBinding binding) throws ServiceException {
        return "B_" + bindingName(binding).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private String url(InstanceServer server) {
        return "jdbc:h2:tcp://" + host + ":" + server.port() + "/db";
    }

    /** Runs statements as the instance's admin: through its server, or on its file before the server runs. */
    private void admin(String url, InstanceServer instance, String... statements) throws ServiceException {
        String login = ";USER=admin;PASSWORD=" + instance.fact("adminPassword");
        try (Connection c = new org.h2.Driver().connect(url + login, new Properties()); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new ServiceException(LABEL + " database of instance " + instance.id() + ": " + e.getMessage(), e);
        }
    }
}
