package io.strato.core.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
    void groupNameDependsOnTheSecretOnly() {
        ClusterSettings a = ClusterSettings.fresh();
        ClusterSettings b = ClusterSettings.fresh();
        assertNotEquals(a.secret(), b.secret());
        assertNotEquals(a.groupName(), b.groupName());
        assertEquals(a.groupName(), new ClusterSettings(a.secret(), List.of("10.0.0.1:5701")).groupName());
        assertFalse(a.groupName().contains(a.secret()));
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
        String text = Files.readString(xml);
        assertTrue(text.contains("<port auto-increment=\"false\">5799</port>"), text);
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
        assertTrue(Files.readString(etc.resolve("users.properties")).contains("admin = " + password + ",_g_:admingroup"));
        assertNull(AdminCredentials.ensureAdmin(etc), "an existing user is never replaced");
    }
}
