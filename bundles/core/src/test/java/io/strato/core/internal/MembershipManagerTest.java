package io.strato.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.role.RoleInfo;
import io.strato.api.role.RoleService;
import io.strato.api.role.RoleState;
import io.strato.core.internal.Membership.MembershipException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * kato:node-attach, kato:node-detach and kato:cluster-secret on one node: the secret a node keeps, what an attach
 * refuses before it touches the cluster settings, and the peers a node rejoins after a restart.
 */
class MembershipManagerTest {

    private static final String SECRET = "a-cluster-secret-of-more-than-16-characters";

    @TempDir
    Path etc;
    private String previousEtc;
    private final BundleContext context = proxy(BundleContext.class, method -> method.equals("getBundles") ? new Bundle[0] : null);
    private volatile Optional<RoleState> primaryState = Optional.empty();
    private final RoleService roles = proxy(RoleService.class, method -> method.equals("roles")
            ? List.of(new RoleInfo("primary", "strato-role-primary", "primary", Set.of("base"), primaryState.isPresent(),
            primaryState))
            : null);

    @BeforeEach
    void setUp() throws IOException {
        previousEtc = System.setProperty("karaf.etc", etc.toString());
        try (InputStream sample = getClass().getResourceAsStream("/hazelcast-sample.xml")) {
            Files.copy(sample, etc.resolve("hazelcast.xml"));
        }
    }

    @AfterEach
    void tearDown() {
        if (previousEtc == null) {
            System.clearProperty("karaf.etc");
        } else {
            System.setProperty("karaf.etc", previousEtc);
        }
    }

    @Test
    void theFirstStartGeneratesASecretOnlyTheNodeReadsAndLaterStartsKeepIt() throws IOException {
        String secret = new MembershipManager(context, roles).value();
        assertTrue(secret.length() >= 16, "a secret long enough to guess at");
        Path file = etc.resolve(ClusterSettings.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(ClusterSettings.GROUP_NAME, new HazelcastXml(etc.resolve("hazelcast.xml")).groupName());

        assertEquals(secret, new MembershipManager(context, roles).value(), "the same cluster after a restart");
        Files.delete(file);
        assertNotEquals(secret, new MembershipManager(context, roles).value(), "each node starts its own cluster");
    }

    @Test
    void anAttachWithAShortOrMissingSecretIsRefused() {
        MembershipManager membership = new MembershipManager(context, roles);
        for (String secret : new String[] {null, "short"}) {
            MembershipException e = assertThrows(MembershipException.class, () -> membership.attach("node-b", secret));
            assertEquals("the cluster secret is missing or too short; on the primary run kato:cluster-secret and "
                    + "pass it with --secret", e.getMessage());
        }
        assertEquals(List.of(), membership.joinAddresses());
    }

    @Test
    void thePrimaryDoesNotAttachToAnotherCluster() {
        primaryState = Optional.of(RoleState.ACTIVE);
        MembershipManager membership = new MembershipManager(context, roles);
        String own = membership.value();
        MembershipException e = assertThrows(MembershipException.class, () -> membership.attach("node-b", SECRET));
        assertEquals("this node has the primary role; remove it first (kato:role-remove primary) or attach the other "
                + "node to this one", e.getMessage());
        assertEquals(own, membership.value());
    }

    @Test
    void anAttachToAnAddressNobodyAnswersAtChangesNothing() throws IOException {
        MembershipManager membership = new MembershipManager(context, roles);
        String own = membership.value();
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        MembershipException e = assertThrows(MembershipException.class,
                () -> membership.attach("127.0.0.1:" + closed, SECRET));
        assertTrue(e.getMessage().startsWith("no node answers at 127.0.0.1:" + closed + ": check the address and port"),
                e.getMessage());
        MembershipException bad = assertThrows(MembershipException.class, () -> membership.attach("node b; rm", SECRET));
        assertEquals("not a node address: 'node b; rm'; use host or host:port (cluster port, default 5701)", bad.getMessage());
        assertEquals(own, membership.value());
        assertEquals(List.of(), membership.joinAddresses());
        assertEquals(List.of(), new HazelcastXml(etc.resolve("hazelcast.xml")).members());
    }

    @Test
    void aNodeOnItsOwnHasNothingToDetachFrom() {
        MembershipException e = assertThrows(MembershipException.class, () -> new MembershipManager(context, roles).detach());
        assertEquals("this node is not attached to another node", e.getMessage());
    }

    @Test
    void addressesGetTheDefaultClusterPort() throws MembershipException {
        assertEquals("node-b:5701", MembershipManager.normalize(" node-b "));
        assertEquals("10.0.0.2:5801", MembershipManager.normalize("10.0.0.2:5801"));
        assertEquals("[::1]:5701", MembershipManager.normalize("[::1]"));
        MembershipException e = assertThrows(MembershipException.class, () -> MembershipManager.normalize("node-b:70000"));
        assertEquals("port out of range in 'node-b:70000'", e.getMessage());
    }

    @Test
    void peersAreRejoinedAfterARestartUntilTheyLeave() throws IOException {
        MembershipManager membership = new MembershipManager(context, roles);
        String secret = membership.value();
        membership.rememberPeers(secret, List.of("10.0.0.3:5701", "10.0.0.2:5701"));
        membership.rememberPeers("another-cluster-secret-entirely", List.of("10.9.9.9:5701"));
        membership.rememberPeers(secret, List.of()); // alone for a moment: the last peers are where the cluster is

        MembershipManager restarted = new MembershipManager(context, roles);
        assertEquals(List.of("10.0.0.2:5701", "10.0.0.3:5701"), restarted.knownMembers());
        assertEquals(List.of("10.0.0.2:5701", "10.0.0.3:5701"), new HazelcastXml(etc.resolve("hazelcast.xml")).members());

        restarted.forgetPeer(secret, "10.0.0.2:5701");
        assertEquals(List.of("10.0.0.3:5701"), new MembershipManager(context, roles).knownMembers());
        assertEquals(List.of("10.0.0.3:5701"), new HazelcastXml(etc.resolve("hazelcast.xml")).members());
    }

    private interface Answer {
        Object answer(String method);
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Answer answer) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> answer.answer(method.getName()));
    }
}
