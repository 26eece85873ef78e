package io.strato.itests;

import io.strato.api.cluster.ClusterView;
import io.strato.api.role.RoleException;
import io.strato.api.role.RoleGroup;
import io.strato.api.role.RoleInfo;
import io.strato.api.role.RoleService;
import io.strato.api.role.RoleState;
import org.apache.karaf.features.FeaturesService;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.inject.Inject;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.replaceConfigurationFile;

/** One Strato node from our own distribution, tested from inside Karaf. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NodeIT {

    private static final int HTTP_PORT = 20902;

    @Inject
    BundleContext context;

    @Inject
    FeaturesService features;

    @Inject
    RoleService roles;

    @Configuration
    public Option[] config() throws IOException {
        File distribution = new File(System.getProperty("strato.distribution"));
        Path hazelcast = Path.of("target", "exam-hazelcast.xml");
        Files.writeString(hazelcast, Files.readString(Path.of("../karaf-assembly/src/main/resources/etc/hazelcast.xml"))
                .replace("<port auto-increment=\"false\">5701</port>", "<port auto-increment=\"false\">20903</port>"));
        return new Option[] {
            karafDistributionConfiguration().frameworkUrl(distribution.toURI().toString()).name("strato")
                    .karafVersion("4.4.10").unpackDirectory(new File("target/exam")).useDeployFolder(false),
            keepRuntimeFolder(),
            configureConsole().ignoreLocalConsole(),
            logLevel(LogLevelOption.LogLevel.INFO),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", "20901"),
            editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", String.valueOf(HTTP_PORT)),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", "20904"),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", "20905"),
            editConfigurationFilePut("etc/io.strato.rolegroups.cfg", "api-tier", "primary, controller"),
            replaceConfigurationFile("etc/hazelcast.xml", hazelcast.toFile()),
            systemProperty("strato.itest").value("true"),
        };
    }

    /** Tests start once the node is READY (on first start Cellar restarts with the node's own secret). */
    @Before
    public void nodeIsReady() throws InterruptedException {
        assertTrue("the node reports READY within 60 s", awaitReady());
    }

    @Test
    public void bootsWithCoreAndBaseActive() throws Exception {
        Bundle core = bundle("io.strato.core");
        assertEquals(Bundle.ACTIVE, core.getState());
        assertTrue(features.isInstalled(features.getFeature("strato-role-base")));
        assertEquals(Optional.of(RoleState.ACTIVE), roles.role("base").state());
    }

    /** The cluster view is re-registered when Cellar restarts on first start: look it up afresh. */
    private boolean awaitReady() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            var ref = context.getServiceReference(ClusterView.class);
            ClusterView view = ref == null ? null : context.getService(ref);
            if (view != null && view.ready()) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    @Test
    public void baseCannotBeRemoved() {
        try {
            roles.remove(List.of("base"));
            fail("removing base must be refused");
        } catch (RoleException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("the base role is mandatory on every node and cannot be removed"));
        }
    }

    @Test
    public void unknownRoleIsRefusedNamingTheValidOnes() {
        try {
            roles.add(List.of("routr"));
            fail("unknown role must be refused");
        } catch (RoleException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith(
                    "unknown role or group: routr; valid roles: base, controller, dea, filesystem, harbor, health-manager, memcached, mongodb, mysql, postgresql, primary, rabbit, redis, router, stager; groups: "));
        }
    }

    @Test
    public void customGroupFromConfigurationExpandsAndInstallsItsRoles() throws Exception {
        RoleGroup group = roles.groups().stream().filter(g -> g.name().equals("api-tier")).findFirst().orElseThrow();
        assertEquals(List.of("primary", "controller"), group.roles());
        assertEquals("etc/io.strato.rolegroups.cfg", group.origin());

        List<String> added = roles.add(List.of("api-tier"));
        assertTrue(added.toString(), added.containsAll(List.of("primary", "controller")));
        assertTrue(features.isInstalled(features.getFeature("strato-role-controller")));
        RoleInfo primary = roles.role("primary");
        assertEquals(Optional.of(RoleState.ACTIVE), primary.state());

        String info = awaitHttp("/v2/info");
        assertTrue(info, info.contains("\"api_version\""));
        assertTrue(info, info.contains("\"name\":\"strato\""));
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }

    /** GET with retries while the controller's endpoint comes up; asserts 200 and a JSON body. */
    private String awaitHttp(String path) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + HTTP_PORT + path).toURL().openConnection();
                if (c.getResponseCode() == 200) {
                    assertTrue(c.getContentType(), c.getContentType().startsWith("application/json"));
                    return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                }
                last = "HTTP " + c.getResponseCode();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("GET " + path + " never answered 200: " + last);
    }
}
