package io.strato.core.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterSettingsTest {

    @TempDir
    Path etc;

    @Test
    void theGroupNameTellsNothingAboutTheSecret() {
        ClusterSettings a = ClusterSettings.fresh();
        ClusterSettings b = ClusterSettings.fresh();
        assertNotEquals(a.secret(), b.secret());
        assertEquals("strato", a.groupName(), "Hazelcast logs its group name: it must not come from the secret");
        assertEquals(a.groupName(), b.groupName());
        assertFalse(a.toString().contains(a.secret()), "settings never print their secret");
        assertThrows(IllegalArgumentException.class, () -> new ClusterSettings("short", List.of()));
    }

    @Test
    void settingsSurviveTheirFile() {
        ClusterSettings s = new ClusterSettings("0123456789abcdef0123", List.of("127.0.0.1:5701", "127.0.0.1:5702"));
        PropertiesFile file = new PropertiesFile(etc.resolve(ClusterSettings.FILE));
        file.write(s.toProperties(), "test");
        assertEquals(s, ClusterSettings.from(file.read()));
    }

    @Test
    void peersSurviveTheFileAndAreJoinedAfterTheAttachAddresses() {
        ClusterSettings s = new ClusterSettings("0123456789abcdef0123", List.of("127.0.0.1:5701"))
                .withPeers(List.of("127.0.0.1:5701", "127.0.0.1:5703"));
        PropertiesFile file = new PropertiesFile(etc.resolve(ClusterSettings.FILE));
        file.write(s.toProperties(), "test");
        ClusterSettings read = ClusterSettings.from(file.read());
        assertEquals(List.of("127.0.0.1:5701", "127.0.0.1:5703"), read.peers());
        assertEquals(List.of("127.0.0.1:5701", "127.0.0.1:5703"), read.joinTargets(), "each address once");
        assertEquals(List.of(), ClusterSettings.fresh().joinTargets(), "a new cluster joins nobody");
    }

    @Test
    void hazelcastXmlGetsGroupAndMembersAndKeepsTheRest() throws Exception {
        Path xml = etc.resolve("hazelcast.xml");
        try (InputStream in = getClass().getResourceAsStream("/hazelcast-sample.xml")) {
            Files.copy(in, xml);
        }
        HazelcastXml hz = new HazelcastXml(xml);
        assertTrue(hz.apply("strato-abc", List.of("127.0.0.1:5701")));
        assertFalse(hz.apply("strato-abc", List.of("127.0.0.1:5701")), "no change, no rewrite");
        assertEquals("strato-abc", hz.groupName());
        assertEquals(List.of("127.0.0.1:5701"), hz.members());
        assertTrue(hz.apply("strato-def", List.of()));
        assertEquals(List.of(), hz.members());
        assertEquals("127.0.0.1", hz.address(), "the node is reached at its cluster interface");
        Files.writeString(xml, Files.readString(xml).replace("<interface>127.0.0.1</interface>", "<interface>10.1.2.3</interface>"));
        assertEquals("10.1.2.3", hz.address());
        String text = Files.readString(xml);
        assertTrue(text.contains("<port auto-increment=\"false\">5799</port>"), text);
        assertArrayEquals(new int[] {5799, 5799}, hz.portRange());
        Files.writeString(xml, text.replace("<port auto-increment=\"false\">5799</port>", "<port port-count=\"3\">5701</port>"));
        assertArrayEquals(new int[] {5701, 5703}, hz.portRange(), "auto-increment is on unless turned off");
        assertTrue(text.contains("hazelcast.phone.home.enabled"), text);
    }

    @Test
    void nodeIdentityIsStableAcrossStarts() {
        NodeIdentity first = NodeIdentity.loadOrCreate(etc);
        assertEquals(first, NodeIdentity.loadOrCreate(etc));
    }

    @Test
    void attachAddressesAreNormalizedOrRefused() throws Exception {
        assertEquals("10.1.2.3:5701", MembershipManager.normalize("10.1.2.3"));
        assertEquals("primary.example:5801", MembershipManager.normalize(" primary.example:5801 "));
        assertThrows(Membership.MembershipException.class, () -> MembershipManager.normalize("bad host!"));
        assertThrows(Membership.MembershipException.class, () -> MembershipManager.normalize("h:99999"));
    }

    @Test
    void firstStartCreatesAnAdminWithARandomPasswordOnce() throws Exception {
        Files.writeString(etc.resolve("users.properties"), "# karaf = karaf,_g_:admingroup\n_g_\\:admingroup = group,admin\n");
        String password = AdminCredentials.ensureAdmin(etc);
        assertEquals(20, password.length());
        assertEquals(password, Files.readString(etc.resolve(AdminCredentials.PASSWORD_FILE)).trim());
        assertTrue(Files.readString(etc.resolve("users.properties")).contains("admin = " + AdminCredentials.karafHash(password) + ",_g_:admingroup"));
        assertFalse(Files.readString(etc.resolve("users.properties")).contains(password), "no clear-text password in users.properties");
        // the hash Karaf stored for a known password with encryption.name = basic, algorithm SHA-512, hexadecimal
        assertEquals("{CRYPT}E273F66DB0AF158A4D33180004EC5F970DB7FE9FCA2C098AE3D80A98C1FA81BA45D909B086A926FABF11231369300345EC690A08C086D10867EA61B61A1A109E{CRYPT}",
                AdminCredentials.karafHash("oYnoUDnjzKMz3VRGMWEM"));
        assertNull(AdminCredentials.ensureAdmin(etc), "an existing user is never replaced");
    }
}
