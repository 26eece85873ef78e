package io.strato.services.rabbit.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.security.auth.Subject;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.AccessControlProvider;
import org.apache.qpid.server.model.AuthenticationProvider;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.BrokerModel;
import org.apache.qpid.server.model.Connection;
import org.apache.qpid.server.model.Port;
import org.apache.qpid.server.model.State;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.model.User;
import org.apache.qpid.server.model.VirtualHost;
import org.apache.qpid.server.model.VirtualHostNode;
import org.apache.qpid.server.security.SubjectExecutionContext;
import org.apache.qpid.server.security.access.config.Property;
import org.apache.qpid.server.security.access.plugins.AclRule;
import org.apache.qpid.server.security.auth.TaskPrincipal;

/**
 * The node's rabbit broker, run in a JVM of its own by the plugin (never loaded in Karaf): Qpid Broker-J with
 * its AMQP 0-8/0-9/0-9-1 protocol, one SCRAM-SHA-256 user store (PLAIN allowed without TLS, as RabbitMQ
 * clients log in with PLAIN), a rule-based access control provider that lets a user open only its own
 * virtual host, and a Derby store per virtual host. Its configuration (virtual hosts, users, rules) is the
 * broker's own JSON file, so everything survives a restart.
 *
 * <p>The plugin provisions through a Unix domain socket in the data directory: one command per connection,
 * the first line the secret from the secret file, the second the command with tab-separated arguments; the
 * answer is one line, {@code OK ...} or {@code ERR <reason>}. Arguments: host, port, work directory, control
 * socket, secret file.
 */
public final class RabbitBrokerMain {

    static final String AUTH_PROVIDER = "users";
    static final String ACL_PROVIDER = "vhost-access";
    /** Virtual host and user names the control channel accepts: what the plugin makes of instance and binding ids. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
    private static final Pattern PASSWORD = Pattern.compile("[\\x21-\\x7e]{8,200}");

    private final SystemLauncher launcher;
    private final Listener listener;
    private final Path workDir;
    private final byte[] secret;
    private final Subject system;

    private RabbitBrokerMain(Path workDir, byte[] secret) {
        this.listener = new Listener();
        this.launcher = new SystemLauncher(listener);
        this.workDir = workDir;
        this.secret = secret;
        this.system = new Subject(true, Set.of(launcher.getSystemPrincipal(), new TaskPrincipal("strato-rabbit-control")),
                Set.of(), Set.of());
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: RabbitBrokerMain <host> <port> <work dir> <control socket> <secret file>");
            System.exit(2);
        }
        long started = System.nanoTime();
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        Path workDir = Path.of(args[2]).toAbsolutePath();
        Path socket = Path.of(args[3]).toAbsolutePath();
        byte[] secret = Files.readString(Path.of(args[4])).trim().getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(workDir.resolve("vhosts"));
        // the stored configuration names these variables, so a new host or port in the plugin's configuration applies at the next start
        System.setProperty("strato.rabbit.host", host);
        System.setProperty("strato.rabbit.port", Integer.toString(port));
        System.setProperty(SystemConfig.PROPERTY_QPID_WORK, workDir.toString());

        // the plugin stops a broker a crashed node left behind by this pid
        Files.writeString(workDir.resolve("broker.pid"), ProcessHandle.current().pid() + "\n");
        RabbitBrokerMain main = new RabbitBrokerMain(workDir, secret);
        main.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("strato: stopping the rabbit broker");
            main.launcher.shutdown(0);
        }, "rabbit-shutdown"));
        ServerSocketChannel control = main.openControl(socket);
        System.err.printf("strato: rabbit broker (Qpid Broker-J, AMQP 0-9-1) ready on %s:%d in %d ms with %d virtual host(s); control socket %s%n",
                host, port, (System.nanoTime() - started) / 1_000_000, main.broker().getChildren(VirtualHostNode.class).size(), socket);
        main.serve(control);
    }

    private void start() throws Exception {
        Path initial = workDir.resolve("initial-config.json");
        Files.writeString(initial, initialConfig());
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(SystemConfig.TYPE, "JSON");
        attributes.put("storePath", workDir.resolve("config.json").toString());
        attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, initial.toUri().toString());
        attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, Boolean.FALSE);
        launcher.startup(attributes);
        if (listener.failure != null || listener.systemConfig == null
                || broker().getState() != State.ACTIVE) {
            System.err.println("strato: the rabbit broker failed to start: "
                    + (listener.failure != null ? listener.failure : "broker state " + (listener.systemConfig == null ? "unknown" : broker().getState())));
            System.exit(1);
        }
        Port<?> amqp = broker().getChildByName(Port.class, "AMQP");
        if (amqp == null || amqp.getState() != State.ACTIVE) {
            System.err.println("strato: the rabbit broker's AMQP port " + System.getProperty("strato.rabbit.host") + ":"
                    + System.getProperty("strato.rabbit.port") + " could not be opened (state " + (amqp == null ? "missing" : amqp.getState())
                    + "); is another program listening there?");
            launcher.shutdown(1);
            System.exit(1);
        }
        for (VirtualHostNode<?> node : broker().getChildren(VirtualHostNode.class)) {
            if (node.getState() != State.ACTIVE) {
                System.err.println("strato: virtual host " + node.getName() + " is " + node.getState() + "; see the messages above");
            }
        }
        // Broker-J's JSON store writes only the root object when it creates the file from the initial
        // configuration; any change writes the whole tree, so record the start before anything else happens
        SubjectExecutionContext.withSubject(system, () -> {
            broker().setAttributes(new HashMap<>(Map.of("description", "Strato rabbit broker, last started " + java.time.Instant.now())));
            return null;
        });
    }

    /** Used only when the broker has no configuration yet (first start). */
    private static String initialConfig() {
        return "{\n"
                + "  \"name\": \"strato-rabbit\",\n"
                + "  \"modelVersion\": \"" + BrokerModel.MODEL_VERSION + "\",\n"
                + "  \"authenticationproviders\": [{\"name\": \"" + AUTH_PROVIDER + "\", \"type\": \"SCRAM-SHA-256\", \"secureOnlyMechanisms\": []}],\n"
                + "  \"ports\": [{\"name\": \"AMQP\", \"type\": \"AMQP\", \"port\": \"${strato.rabbit.port}\", \"bindingAddress\": \"${strato.rabbit.host}\",\n"
                + "              \"authenticationProvider\": \"" + AUTH_PROVIDER + "\",\n"
                + "              \"virtualhostaliases\": [{\"name\": \"nameAlias\", \"type\": \"nameAlias\"}]}],\n"
                + "  \"accesscontrolproviders\": [{\"name\": \"" + ACL_PROVIDER + "\", \"type\": \"RuleBased\", \"defaultResult\": \"DENIED\",\n"
                + "              \"rules\": " + toJson(fixedRules()) + "}]\n"
                + "}\n";
    }

    /**
     * After the per-user "ALLOW user ACCESS VIRTUALHOST name=..." rules: nobody else opens a virtual host, and
     * inside the one it opened a user may do anything (AMQP reaches nothing outside its virtual host).
     */
    private static List<Map<String, Object>> fixedRules() {
        return List.of(rule("ALL", "VIRTUALHOST", "ACCESS", Map.of(), "DENY_LOG"),
                rule("ALL", "ALL", "ALL", Map.of(), "ALLOW"));
    }

    private static Map<String, Object> rule(String identity, String objectType, String operation, Map<String, Object> attributes, String outcome) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("identity", identity);
        rule.put("objectType", objectType);
        rule.put("operation", operation);
        rule.put("attributes", attributes);
        rule.put("outcome", outcome);
        return rule;
    }

    private static String toJson(List<Map<String, Object>> rules) {
        StringBuilder json = new StringBuilder("[");
        for (Map<String, Object> rule : rules) {
            json.append(json.length() > 1 ? ", " : "").append("{");
            String sep = "";
            for (Map.Entry<String, Object> e : rule.entrySet()) {
                json.append(sep).append('"').append(e.getKey()).append("\": ");
                if (e.getValue() instanceof Map<?, ?> m) {
                    json.append("{");
                    String s2 = "";
                    for (Map.Entry<?, ?> a : m.entrySet()) {
                        json.append(s2).append('"').append(a.getKey()).append("\": \"").append(a.getValue()).append('"');
                        s2 = ", ";
                    }
                    json.append("}");
                } else {
                    json.append('"').append(e.getValue()).append('"');
                }
                sep = ", ";
            }
            json.append("}");
        }
        return json.append("]").toString();
    }

    @SuppressWarnings("unchecked")
    private Broker<?> broker() {
        return (Broker<?>) listener.systemConfig.getContainer(Broker.class);
    }

    private ServerSocketChannel openControl(Path socket) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        return server;
    }

    /** One command at a time: provisioning is rare, and serial commands never race on the rule list. */
    private void serve(ServerSocketChannel server) throws IOException {
        while (true) {
            try (SocketChannel client = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
                OutputStream out = Channels.newOutputStream(client);
                String reply;
                String presented = in.readLine();
                if (presented == null || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), secret)) {
                    reply = "ERR wrong control secret";
                    System.err.println("strato: control connection with a wrong secret refused");
                } else {
                    String command = in.readLine();
                    reply = command == null ? "ERR no command" : execute(command);
                }
                out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                System.err.println("strato: control connection failed: " + e.getMessage());
            }
        }
    }

    private String execute(String line) {
        String[] a = line.split("\t", -1);
        try {
            String result = SubjectExecutionContext.withSubject(system, () -> switch (a[0]) {
                case "PING" -> ping();
                case "CREATE-VHOST" -> createVirtualHost(name(a, 1));
                case "DELETE-VHOST" -> deleteVirtualHost(name(a, 1));
                case "HAS-VHOST" -> Boolean.toString(broker().getChildByName(VirtualHostNode.class, name(a, 1)) != null);
                case "CREATE-USER" -> createUser(name(a, 1), password(a, 2), name(a, 3));
                case "DELETE-USER" -> deleteUser(name(a, 1));
                default -> throw new IllegalArgumentException("unknown command " + a[0]);
            });
            return "OK " + result;
        } catch (Exception e) {
            Throwable cause = SubjectExecutionContext.unwrapSubjectActionException(e);
            String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
            System.err.println("strato: " + a[0] + " failed: " + message);
            if (!(cause instanceof IllegalArgumentException)) {
                cause.printStackTrace();
            }
            return "ERR " + message.replace('\n', ' ');
        }
    }

    private static String name(String[] args, int i) {
        if (args.length <= i || !NAME.matcher(args[i]).matches()) {
            throw new IllegalArgumentException("argument " + i + " is not a valid name");
        }
        return args[i];
    }

    private static String password(String[] args, int i) {
        if (args.length <= i || !PASSWORD.matcher(args[i]).matches()) {
            throw new IllegalArgumentException("the password is not valid");
        }
        return args[i];
    }

    private String ping() {
        Broker<?> broker = broker();
        return broker.getState() + " " + broker.getChildren(VirtualHostNode.class).size() + " " + users().getChildren(User.class).size();
    }

    /** A Derby-backed virtual host node whose virtual host keeps its messages in the node's store. */
    private String createVirtualHost(String name) throws IOException {
        Broker<?> broker = broker();
        if (broker.getChildByName(VirtualHostNode.class, name) != null) {
            throw new IllegalArgumentException("virtual host " + name + " already exists");
        }
        Path store = workDir.resolve("vhosts").resolve(name);
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("name", name);
        attributes.put("type", "DERBY");
        attributes.put("storePath", store.toString());
        attributes.put("virtualHostInitialConfiguration", "{\"type\": \"ProvidedStore\", \"name\": \"" + name + "\"}");
        VirtualHostNode<?> node = null;
        try {
            node = broker.createChild(VirtualHostNode.class, attributes);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (node.getVirtualHost() == null || node.getVirtualHost().getState() != State.ACTIVE) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("virtual host " + name + " did not become active within 30 s (node state "
                            + node.getState() + ")");
                }
                Thread.sleep(20);
            }
        } catch (RuntimeException | InterruptedException e) {
            // all or nothing: no node in the configuration, no store on disk
            if (node != null) {
                try {
                    node.delete();
                } catch (RuntimeException ignored) {
                    // reported below through the original failure
                }
            }
            deleteTree(store);
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        System.err.println("strato: created virtual host " + name);
        return name;
    }

    /** Deletes the virtual host with its messages and every user allowed on it (their connections are closed). */
    private String deleteVirtualHost(String name) throws IOException {
        Broker<?> broker = broker();
        List<String> usersOfHost = new ArrayList<>();
        for (Map<String, Object> rule : userRules()) {
            if (name.equals(((Map<?, ?>) rule.get("attributes")).get(Property.NAME.name()))) {
                usersOfHost.add((String) rule.get("identity"));
            }
        }
        for (String user : usersOfHost) {
            deleteUser(user);
        }
        VirtualHostNode<?> node = broker.getChildByName(VirtualHostNode.class, name);
        boolean existed = node != null;
        if (node != null) {
            node.delete();
        }
        deleteTree(workDir.resolve("vhosts").resolve(name));
        System.err.println("strato: deleted virtual host " + name + (existed ? "" : " (it did not exist)") + " and its " + usersOfHost.size() + " user(s)");
        return Boolean.toString(existed);
    }

    /** Creates the user (replacing one of that name) and allows it on this virtual host only. */
    private String createUser(String user, String password, String virtualHost) {
        if (broker().getChildByName(VirtualHostNode.class, virtualHost) == null) {
            throw new IllegalArgumentException("virtual host " + virtualHost + " does not exist");
        }
        AuthenticationProvider<?> users = users();
        User<?> existing = users.getChildByName(User.class, user);
        if (existing != null) {
            closeConnections(user);
            existing.delete();
        }
        // mutable: the provider replaces the password by its hash in this map
        users.createChild(User.class, new HashMap<>(Map.of("name", user, "password", password, "type", "managed")));
        try {
            List<Map<String, Object>> rules = new ArrayList<>();
            for (Map<String, Object> rule : userRules()) {
                if (!user.equals(rule.get("identity"))) {
                    rules.add(rule);
                }
            }
            rules.add(rule(user, "VIRTUALHOST", "ACCESS", Map.of(Property.NAME.name(), virtualHost), "ALLOW"));
            setRules(rules);
        } catch (RuntimeException e) {
            User<?> created = users.getChildByName(User.class, user);
            if (created != null) {
                created.delete();
            }
            throw e;
        }
        System.err.println("strato: created user " + user + " for virtual host " + virtualHost);
        return user;
    }

    /** Closes the user's connections, removes its rule and deletes it; a missing user is no error. */
    private String deleteUser(String user) {
        int closed = closeConnections(user);
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> rule : userRules()) {
            if (!user.equals(rule.get("identity"))) {
                rules.add(rule);
            }
        }
        setRules(rules);
        User<?> existing = users().getChildByName(User.class, user);
        if (existing != null) {
            existing.delete();
        }
        System.err.println("strato: deleted user " + user + (existing == null ? " (it did not exist)" : "")
                + (closed > 0 ? "; closed its " + closed + " connection(s)" : ""));
        return Boolean.toString(existing != null);
    }

    private int closeConnections(String user) {
        int closed = 0;
        for (VirtualHostNode<?> node : broker().getChildren(VirtualHostNode.class)) {
            VirtualHost<?> host = node.getVirtualHost();
            if (host == null) {
                continue;
            }
            for (Connection<?> connection : List.copyOf(host.getConnections())) {
                if (user.equals(connection.getPrincipal())) {
                    connection.delete();
                    closed++;
                }
            }
        }
        return closed;
    }

    private AuthenticationProvider<?> users() {
        AuthenticationProvider<?> provider = broker().getChildByName(AuthenticationProvider.class, AUTH_PROVIDER);
        if (provider == null) {
            throw new IllegalStateException("the broker has no authentication provider " + AUTH_PROVIDER);
        }
        return provider;
    }

    private AccessControlProvider<?> acl() {
        AccessControlProvider<?> provider = broker().getChildByName(AccessControlProvider.class, ACL_PROVIDER);
        if (provider == null) {
            throw new IllegalStateException("the broker has no access control provider " + ACL_PROVIDER);
        }
        return provider;
    }

    /** The "ALLOW user ACCESS VIRTUALHOST name=..." rules, as maps. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> userRules() {
        Collection<AclRule> rules = (Collection<AclRule>) acl().getAttribute("rules");
        List<Map<String, Object>> result = new ArrayList<>();
        for (AclRule r : rules) {
            if (!"ALL".equals(r.getIdentity()) && "VIRTUALHOST".equals(r.getObjectType().name())
                    && "ACCESS".equals(r.getOperation().name()) && "ALLOW".equals(r.getOutcome().name())) {
                Map<String, Object> attributes = new LinkedHashMap<>();
                r.getAttributes().forEach((k, v) -> attributes.put(k.name(), v));
                result.add(rule(r.getIdentity(), "VIRTUALHOST", "ACCESS", attributes, "ALLOW"));
            }
        }
        return result;
    }

    private void setRules(List<Map<String, Object>> userRules) {
        List<Map<String, Object>> rules = new ArrayList<>(userRules);
        rules.addAll(fixedRules());
        acl().setAttributes(new HashMap<>(Map.of("rules", rules)));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Remembers the system configuration and a startup failure; exits the JVM when the broker stops by itself. */
    static final class Listener implements SystemLauncherListener {
        volatile SystemConfig<?> systemConfig;
        volatile RuntimeException failure;
        private final CountDownLatch never = new CountDownLatch(1);

        @Override
        public void beforeStartup() {
        }

        @Override
        public void errorOnStartup(RuntimeException e) {
            failure = e;
        }

        @Override
        public void afterStartup() {
        }

        @Override
        public void onContainerResolve(SystemConfig<?> config) {
            systemConfig = config;
        }

        @Override
        public void onContainerClose(SystemConfig<?> config) {
        }

        @Override
        public void onShutdown(int exitCode) {
            if (never.getCount() > 0) {
                never.countDown();
                System.err.println("strato: rabbit broker stopped");
                // a broker that stopped by itself (an error, an operation) ends the JVM, so the plugin restarts it
                new Thread(() -> Runtime.getRuntime().halt(exitCode == 0 ? 0 : exitCode), "rabbit-exit").start();
            }
        }

        @Override
        public void exceptionOnShutdown(Exception e) {
            System.err.println("strato: error while stopping the rabbit broker: " + e);
        }
    }
}
