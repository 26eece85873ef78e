package io.strato.services.filesystem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FilesystemServicePluginTest {

    private final Path root = Path.of("target", "fixtures", UUID.randomUUID().toString(), "filesystem");
    private final FilesystemServicePlugin plugin = new FilesystemServicePlugin(root, () -> "10.0.0.5");

    @Test
    void provisionCreatesADirectorySharedByEveryBinding() throws Exception {
        String id = UUID.randomUUID().toString();
        ServiceInstance instance = plugin.provision(id, "free", Map.of());
        Path dir = root.toAbsolutePath().resolve(id);
        assertTrue(Files.isDirectory(dir));
        assertEquals(dir.toString(), instance.details().get("dir"));

        ServiceCredentials first = plugin.bind(instance, new ServiceBinding("b1", "app-guid", 20001));
        ServiceCredentials second = plugin.bind(instance, new ServiceBinding("b2", "app-guid", 20001));
        assertEquals(dir.toUri().toString(), first.uri());
        assertTrue(first.uri().startsWith("file:///"), first.uri());
        assertEquals(dir.toString(), first.toMap().get("dir"));
        assertEquals("10.0.0.5", first.hostname());
        assertEquals(0, first.port());
        assertEquals(id, first.name());
        assertEquals(first.toMap(), second.toMap(), "every app instance and app sees the same directory");

        Files.writeString(Path.of(first.extra().get("dir"), "data.txt"), "kept");
        plugin.unbind(instance, new ServiceBinding("b1", "app-guid", 20001));
        assertEquals("kept", Files.readString(Path.of(second.extra().get("dir"), "data.txt")),
                "unbinding keeps the data");

        // a new plugin object, as after a node restart, binds to the same data
        FilesystemServicePlugin restarted = new FilesystemServicePlugin(root, () -> "10.0.0.5");
        assertEquals("kept", Files.readString(Path.of(restarted.bind(instance, new ServiceBinding("b3", "app-guid", 20001)).extra().get("dir"), "data.txt")));

        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/more.txt"), "x");
        plugin.deprovision(instance);
        assertFalse(Files.exists(dir));
        assertThrows(ServiceException.class, () -> plugin.bind(instance, new ServiceBinding("b4", "app-guid", 20001)));
    }

    @Test
    void instancesAreSeparate() throws Exception {
        ServiceInstance a = plugin.provision("a-" + UUID.randomUUID(), "free", Map.of());
        ServiceInstance b = plugin.provision("b-" + UUID.randomUUID(), "free", Map.of());
        assertFalse(plugin.bind(a, new ServiceBinding("x", "app-guid", 20001)).uri().equals(plugin.bind(b, new ServiceBinding("y", "app-guid", 20001)).uri()));
        plugin.deprovision(a);
        assertTrue(Files.isDirectory(Path.of(b.details().get("dir"))));
    }

    @Test
    void anIdThatIsNotADirectoryNameIsRefusedAndCreatesNothing() {
        assertThrows(ServiceException.class, () -> plugin.provision("../escape", "free", Map.of()));
        assertFalse(Files.exists(root.getParent().resolve("escape")));
    }

    @Test
    void aSecondProvisionOfTheSameIdFailsAndKeepsTheData() throws Exception {
        String id = UUID.randomUUID().toString();
        ServiceInstance instance = plugin.provision(id, "free", Map.of());
        Files.writeString(Path.of(instance.details().get("dir"), "data.txt"), "kept");
        assertThrows(ServiceException.class, () -> plugin.provision(id, "free", Map.of()));
        assertTrue(Files.exists(Path.of(instance.details().get("dir"), "data.txt")));
    }

    @Test
    void itIsTheFilesystemRoleAndService() {
        assertEquals("filesystem", plugin.name());
        assertEquals("filesystem", plugin.catalog().label());
        assertTrue(plugin.health().up());
    }

    /** As root: the directory is never open to all; bound uids use it, others cannot even read it. */
    @Test
    void onlyBoundAppsUidsMayUseTheDirectory() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0
                        && Files.isExecutable(Path.of("/usr/bin/setfacl")), "needs root and setfacl");
        ServiceInstance instance = plugin.provision("acl-" + UUID.randomUUID(), "free", Map.of());
        Path dir = Path.of(instance.details().get("dir"));
        // as a node's data/ is: apps pass through the directories above the root (a umask 077 build makes them 700)
        for (Path p = root.toAbsolutePath().getParent(); p != null && !p.getFileName().toString().equals("services"); p = p.getParent()) {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = new java.util.HashSet<>(Files.getPosixFilePermissions(p));
            perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(p, perms);
            if (p.getFileName().toString().equals("target")) {
                break;
            }
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), "nobody else before a bind");
        Files.writeString(dir.resolve("from-before.txt"), "old");

        plugin.bind(instance, new ServiceBinding("ba", "app-a", 20081));
        plugin.bind(instance, new ServiceBinding("bb", "app-b", 20082));
        assertFalse(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)).endsWith("rwx"), "never open to others");

        assertEquals(0, runAs(20081, "mkdir " + dir + "/made-by-a && echo a > " + dir + "/made-by-a/a.txt && cat " + dir + "/from-before.txt"),
                "a bound uid writes and reads what was there");
        assertEquals(0, runAs(20082, "cat " + dir + "/made-by-a/a.txt && echo b >> " + dir + "/made-by-a/a.txt && echo b > " + dir + "/made-by-a/b.txt"),
                "another bound app uses what the first made");
        assertNotEquals(0, runAs(20077, "cat " + dir + "/made-by-a/a.txt"), "an unbound uid cannot read");
        assertNotEquals(0, runAs(20077, "ls " + dir), "nor list");
        assertNotEquals(0, runAs(20077, "ls " + root.toAbsolutePath()), "nor find other instances");

        // a link an app plants is not followed when the node changes ACLs
        assertEquals(0, runAs(20081, "ln -s /etc/shadow " + dir + "/shadow"));
        plugin.bind(instance, new ServiceBinding("bc", "app-c", 20083));
        assertNotEquals(0, runAs(20083, "cat /etc/shadow"));

        plugin.unbind(instance, new ServiceBinding("ba", "app-a", 20081));
        assertNotEquals(0, runAs(20081, "cat " + dir + "/made-by-a/a.txt"), "refused after unbind");
        assertNotEquals(0, runAs(20081, "touch " + dir + "/x"), "refused after unbind");
        assertEquals(0, runAs(20082, "cat " + dir + "/made-by-a/a.txt"), "the other binding keeps its access");
        plugin.deprovision(instance);
    }

    /** Exit status of a bash command run as {@code uid}. */
    static int runAs(int uid, String command) throws Exception {
        Process p = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--", "bash", "-c", command)
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
