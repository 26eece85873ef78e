package io.strato.services.redis;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The redis service: every service instance is its own redis-server child process on its own port, run as the
 * system user strato-redis, with its own data directory (append-only file, so data survives restarts). Every
 * binding is its own ACL user with its own password; the {@code default} user is the plugin's admin, with a
 * password no app is given. Unbind deletes the binding's user and closes its connections.
 * Immediate, so the servers of existing instances come back as soon as the node starts.
 */
@Component(service = {ServicePlugin.class, Role.class}, configurationPid = "io.strato.service.redis", immediate = true)
@Designate(ocd = RedisServicePlugin.Config.class)
public final class RedisServicePlugin extends InstanceServerPlugin {

    @ObjectClassDefinition(name = "Strato redis service", description = "One redis server per service instance, one ACL user per binding")
    public @interface Config {
        @AttributeDefinition(description = "Where instances keep their files; blank means ${karaf.data}/strato/services/redis")
        String dataDir() default "";

        @AttributeDefinition(description = "Address the servers listen on and apps connect to; the node's address for apps on other nodes")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "First port of the range instances get theirs from")
        int portFirst() default 17000;

        @AttributeDefinition(description = "Last port of that range")
        int portLast() default 17999;

        @AttributeDefinition(description = "The redis-server binary; blank means the Linux x86-64 one shipped in this bundle")
        String serverBinary() default "";

        @AttributeDefinition(description = "maxmemory of each server, in MB")
        int maxMemoryMb() default 64;

        @AttributeDefinition(description = "Seconds a server may take to answer on its port when it starts")
        int startTimeoutSeconds() default 30;

        @AttributeDefinition(description = "System user the servers run as when the node is root; blank means strato-redis, created when missing")
        String runAs() default "";
    }

    private static final Logger LOG = LoggerFactory.getLogger(RedisServicePlugin.class);
    /** The admin's (default user's) password; before per-binding users, the password every binding shared. */
    private static final String PASSWORD = "password";
    /** Set on instances whose bindings are ACL users; instances without it get a new admin password first. */
    private static final String ACL = "acl";
    private static final String ACL_FILE = "users.acl";
    private static final String USER_PREFIX = "b-";
    /**
     * What a binding's user may do: every command on every key and channel of its server except the admin ones
     * (ACL, CONFIG, DEBUG, MODULE, SHUTDOWN, REPLICAOF, MONITOR, SAVE, ...), which could see other bindings' users
     * or act on the server's files; naming its own connection stays allowed.
     */
    static final List<String> BINDING_RULES = List.of("~*", "&*", "+@all", "-@admin",
            "+client|setname", "+client|getname", "+client|id");

    private final Path binDir;
    private final String serverBinary;
    private final int maxMemoryMb;
    private Path binary;

    @Activate
    public RedisServicePlugin(Config config) {
        // every binding is a password-protected ACL user: no port rules needed
        super(new Settings("redis", config.dataDir(), config.host(), config.portFirst(), config.portLast(),
                config.runAs(), config.startTimeoutSeconds(), false));
        this.binDir = dataDir.resolve("bin");
        this.serverBinary = config.serverBinary();
        this.maxMemoryMb = config.maxMemoryMb();
        startServers();
    }

    @Deactivate
    void deactivate() {
        close();
    }

    @Override
    public String description() {
        return "Redis data service: one redis server per service instance, one ACL user per binding";
    }

    @Override
    public ServiceCatalogEntry catalog() {
        return new ServiceCatalogEntry("redis", "6.2", "Redis key-value store", List.of("key-value", "redis"),
                List.of(new ServicePlan("free", "Own redis server, " + maxMemoryMb + " MB of memory", true)));
    }

    @Override
    protected Map<String, String> newInstanceFacts(String plan, Map<String, String> parameters) {
        return Map.of(PASSWORD, newSecret(), ACL, "true");
    }

    /** A new ACL user for the binding, with its own password; binding the same id again gives it a new password. */
    @Override
    protected ServiceCredentials credentials(ServiceInstance instance, ServiceBinding binding, InstanceServer server)
            throws ServiceException {
        String user = userOf(binding);
        String password = newSecret();
        List<String> setUser = new ArrayList<>(List.of("ACL", "SETUSER", user, "reset", "on", ">" + password));
        setUser.addAll(BINDING_RULES);
        try (RedisAdmin admin = RedisAdmin.login(host, server.port(), server.fact(PASSWORD))) {
            admin.call(setUser.toArray(String[]::new));
            admin.call("ACL", "SAVE");
        } catch (IOException e) {
            throw new ServiceException("could not create the redis user of binding " + binding.bindingId() + " on the server of instance "
                    + instance.id() + ": " + e.getMessage(), e);
        }
        String uri = "redis://" + user + ":" + password + "@" + host + ":" + server.port();
        return new ServiceCredentials(uri, instance.id(), host, server.port(), user, password, Map.of());
    }

    /** Deletes the binding's user and closes its connections: its password stops working at once; other bindings keep theirs. */
    @Override
    public void unbind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        InstanceServer server = servers.require(instance.id());
        String user = userOf(binding);
        try (RedisAdmin admin = RedisAdmin.login(host, server.port(), server.fact(PASSWORD))) {
            // off first, so the user cannot log in again between the kill and the deletion
            admin.call("ACL", "SETUSER", user, "off");
            admin.call("CLIENT", "KILL", "USER", user);
            admin.call("ACL", "DELUSER", user);
            admin.call("ACL", "SAVE");
        } catch (IOException e) {
            throw new ServiceException("could not delete the redis user of binding " + binding.bindingId() + " on the server of instance "
                    + instance.id() + ": " + e.getMessage(), e);
        }
        super.unbind(instance, binding);
    }

    /**
     * Written at every start, so a changed host or memory limit applies to existing instances too. The ACL file keeps
     * the bindings' users (redis saves it on every change); its default user is set again to the admin password.
     */
    @Override
    protected List<String> command(Path dir, InstanceServer instance) throws IOException, ServiceException {
        InstanceServer current = instance;
        if (current.facts().get(ACL) == null) {
            // made before bindings had users of their own: every app bound to it knows this password, so it changes
            Map<String, String> facts = new HashMap<>(current.facts());
            facts.put(PASSWORD, newSecret());
            facts.put(ACL, "true");
            current = servers.updateFacts(instance.id(), facts);
            LOG.warn("redis instance {}: the password its bindings shared no longer works; bind its apps again to give"
                    + " each binding a user of its own", instance.id());
        }
        Path acl = dir.resolve(ACL_FILE);
        List<String> users = new ArrayList<>();
        users.add("user default on #" + sha256(current.fact(PASSWORD)) + " ~* &* +@all");
        if (Files.isRegularFile(acl, LinkOption.NOFOLLOW_LINKS)) {
            for (String line : Files.readAllLines(acl)) {
                if (line.startsWith("user " + USER_PREFIX)) {
                    users.add(line);
                }
            }
        }
        writeServerFile(acl, String.join("\n", users) + "\n");
        writeServerFile(dir.resolve("redis.conf"), String.join("\n",
                "port " + current.port(),
                "bind " + host,
                "protected-mode yes",
                "aclfile " + acl.toAbsolutePath(),
                "dir " + dir.toAbsolutePath(),
                "appendonly yes",
                "daemonize no",
                "logfile \"\"",
                "maxmemory " + maxMemoryMb + "mb",
                "maxmemory-policy noeviction",
                ""));
        return List.of(binary().toString(), dir.resolve("redis.conf").toAbsolutePath().toString());
    }

    /** A file the server reads, its user's, mode 600; never written through a link that user may have put there. */
    private void writeServerFile(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        user.own(file);
    }

    private static String userOf(ServiceBinding binding) throws ServiceException {
        return USER_PREFIX + bindingName(binding);
    }

    private static String sha256(String password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Unpacked once per activation rather than read from the bundle for every server start. */
    private synchronized Path binary() throws IOException {
        if (binary == null) {
            binary = RedisServerBinary.locate(serverBinary, binDir);
        }
        return binary;
    }
}
