package io.strato.services.rabbit.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.qpid.server.model.AccessControlProvider;
import org.apache.qpid.server.model.AuthenticationProvider;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.Connection;
import org.apache.qpid.server.model.State;
import org.apache.qpid.server.model.User;
import org.apache.qpid.server.model.VirtualHost;
import org.apache.qpid.server.model.VirtualHostNode;

/**
 * What provisioning changes in the running broker: virtual hosts (a Derby store each, under the work
 * directory's {@code vhosts/}) and users, each allowed on one virtual host. Every change is the broker's own
 * configuration, so it survives a restart. Callers run these as the broker's system.
 */
final class BrokerAdmin {

    private final RunningBroker running;
    private final Path vhostsDir;

    BrokerAdmin(RunningBroker running, Path workDir) {
        this.running = running;
        this.vhostsDir = workDir.resolve("vhosts");
    }

    /** The broker's state, its number of virtual hosts and of users. */
    String ping() {
        Broker<?> broker = running.broker();
        return broker.getState() + " " + broker.getChildren(VirtualHostNode.class).size() + " " + users().getChildren(User.class).size();
    }

    boolean hasVirtualHost(String name) {
        return running.broker().getChildByName(VirtualHostNode.class, name) != null;
    }

    /** A Derby-backed virtual host node whose virtual host keeps its messages in the node's store. */
    String createVirtualHost(String name) throws IOException {
        Broker<?> broker = running.broker();
        if (broker.getChildByName(VirtualHostNode.class, name) != null) {
            throw new IllegalArgumentException("virtual host " + name + " already exists");
        }
        Path store = vhostsDir.resolve(name);
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("name", name);
        attributes.put("type", "DERBY");
        attributes.put("storePath", store.toString());
        attributes.put("virtualHostInitialConfiguration", BrokerConfig.providedStoreVirtualHost(name));
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
    String deleteVirtualHost(String name) throws IOException {
        List<String> usersOfHost = rules().usersOf(name);
        for (String user : usersOfHost) {
            deleteUser(user);
        }
        VirtualHostNode<?> node = running.broker().getChildByName(VirtualHostNode.class, name);
        boolean existed = node != null;
        if (node != null) {
            node.delete();
        }
        deleteTree(vhostsDir.resolve(name));
        System.err.println("strato: deleted virtual host " + name + (existed ? "" : " (it did not exist)") + " and its "
                + usersOfHost.size() + " user(s)");
        return Boolean.toString(existed);
    }

    /** Creates the user (replacing one of that name) and allows it on this virtual host only. */
    String createUser(String user, String password, String virtualHost) {
        if (!hasVirtualHost(virtualHost)) {
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
            rules().allow(user, virtualHost);
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
    String deleteUser(String user) {
        int closed = closeConnections(user);
        rules().remove(user);
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
        for (VirtualHostNode<?> node : running.broker().getChildren(VirtualHostNode.class)) {
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
        AuthenticationProvider<?> provider = running.broker().getChildByName(AuthenticationProvider.class, BrokerConfig.AUTH_PROVIDER);
        if (provider == null) {
            throw new IllegalStateException("the broker has no authentication provider " + BrokerConfig.AUTH_PROVIDER);
        }
        return provider;
    }

    private AccessRules rules() {
        AccessControlProvider<?> provider = running.broker().getChildByName(AccessControlProvider.class, BrokerConfig.ACL_PROVIDER);
        if (provider == null) {
            throw new IllegalStateException("the broker has no access control provider " + BrokerConfig.ACL_PROVIDER);
        }
        return new AccessRules(provider);
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
}
