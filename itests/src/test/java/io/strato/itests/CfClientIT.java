package io.strato.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.ToolProvider;
import org.cloudfoundry.doppler.LogMessage;
import org.cloudfoundry.operations.DefaultCloudFoundryOperations;
import org.cloudfoundry.operations.applications.ApplicationDetail;
import org.cloudfoundry.operations.applications.ApplicationEnvironments;
import org.cloudfoundry.operations.applications.ApplicationEvent;
import org.cloudfoundry.operations.applications.ApplicationSummary;
import org.cloudfoundry.operations.applications.DeleteApplicationRequest;
import org.cloudfoundry.operations.applications.GetApplicationEnvironmentsRequest;
import org.cloudfoundry.operations.applications.GetApplicationEventsRequest;
import org.cloudfoundry.operations.applications.GetApplicationRequest;
import org.cloudfoundry.operations.applications.LogsRequest;
import org.cloudfoundry.operations.applications.PushApplicationRequest;
import org.cloudfoundry.operations.applications.RenameApplicationRequest;
import org.cloudfoundry.operations.applications.RestageApplicationRequest;
import org.cloudfoundry.operations.applications.RestartApplicationInstanceRequest;
import org.cloudfoundry.operations.applications.RestartApplicationRequest;
import org.cloudfoundry.operations.applications.ScaleApplicationRequest;
import org.cloudfoundry.operations.applications.SetEnvironmentVariableApplicationRequest;
import org.cloudfoundry.operations.applications.StartApplicationRequest;
import org.cloudfoundry.operations.applications.StopApplicationRequest;
import org.cloudfoundry.operations.applications.UnsetEnvironmentVariableApplicationRequest;
import org.cloudfoundry.operations.domains.CreateDomainRequest;
import org.cloudfoundry.operations.domains.CreateSharedDomainRequest;
import org.cloudfoundry.operations.domains.Domain;
import org.cloudfoundry.operations.organizations.CreateOrganizationRequest;
import org.cloudfoundry.operations.organizations.OrganizationDetail;
import org.cloudfoundry.operations.organizations.OrganizationInfoRequest;
import org.cloudfoundry.operations.organizations.OrganizationSummary;
import org.cloudfoundry.operations.routes.CheckRouteRequest;
import org.cloudfoundry.operations.routes.CreateRouteRequest;
import org.cloudfoundry.operations.routes.DeleteRouteRequest;
import org.cloudfoundry.operations.routes.ListRoutesRequest;
import org.cloudfoundry.operations.routes.MapRouteRequest;
import org.cloudfoundry.operations.routes.UnmapRouteRequest;
import org.cloudfoundry.operations.services.BindServiceInstanceRequest;
import org.cloudfoundry.operations.services.CreateServiceInstanceRequest;
import org.cloudfoundry.operations.services.DeleteServiceInstanceRequest;
import org.cloudfoundry.operations.services.ListServiceOfferingsRequest;
import org.cloudfoundry.operations.services.ServiceOffering;
import org.cloudfoundry.operations.services.UnbindServiceInstanceRequest;
import org.cloudfoundry.operations.spaces.CreateSpaceRequest;
import org.cloudfoundry.operations.spaces.GetSpaceRequest;
import org.cloudfoundry.operations.spaces.SpaceDetail;
import org.cloudfoundry.operations.spaces.SpaceSummary;
import org.cloudfoundry.operations.useradmin.CreateUserRequest;
import org.cloudfoundry.operations.useradmin.DeleteUserRequest;
import org.cloudfoundry.operations.useradmin.OrganizationRole;
import org.cloudfoundry.operations.useradmin.SetOrganizationRoleRequest;
import org.cloudfoundry.operations.useradmin.ListOrganizationUsersRequest;
import org.cloudfoundry.operations.useradmin.ListSpaceUsersRequest;
import org.cloudfoundry.operations.useradmin.OrganizationUsers;
import org.cloudfoundry.operations.useradmin.SetSpaceRoleRequest;
import org.cloudfoundry.operations.useradmin.SpaceRole;
import org.cloudfoundry.operations.useradmin.SpaceUsers;
import org.cloudfoundry.operations.useradmin.UnsetSpaceRoleRequest;
import org.cloudfoundry.reactor.DefaultConnectionContext;
import org.cloudfoundry.reactor.client.ReactorCloudFoundryClient;
import org.cloudfoundry.reactor.doppler.ReactorDopplerClient;
import org.cloudfoundry.reactor.tokenprovider.PasswordGrantTokenProvider;
import org.cloudfoundry.reactor.uaa.ReactorUaaClient;
import org.junit.After;
import org.junit.Test;

/**
 * The official Cloud Foundry Java client (cf-java-client's operations API), unchanged, against an assembled
 * micro cloud: what a developer does with it, checked by what the developer relies on (the app answers through
 * the router, scaling shows the instances running, the logs hold the app's own output, a second push of an
 * unchanged app sends almost nothing). The client talks to the node through a counting proxy, which the
 * controller names as its external URL, so every byte the client sends is measured.
 */
public class CfClientIT {

    private static final Path WORK = Path.of("target", "cf-client");
    private static final int SLOT = 40;
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private StratoNode node;
    private CountingProxy proxy;
    private DefaultConnectionContext connection;

    @After
    public void stop() throws Exception {
        if (connection != null) {
            connection.dispose();
        }
        if (node != null) {
            node.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    public void theCloudFoundryJavaClientWorksUnchanged() throws Exception {
        node = new StratoNode("cf", SLOT, WORK.resolve("nodes"));
        int routerPort = 20000 + 100 * SLOT + 6;
        proxy = new CountingProxy(20000 + 100 * SLOT + 7, node.httpPort);
        node.edit("etc/io.strato.router.cfg", "port = 8080", "port = " + routerPort);
        Files.writeString(node.home.resolve("etc/io.strato.controller.cfg"),
                "externalUrl = http://127.0.0.1:" + proxy.port + "\ndopplerPort = " + (20000 + 100 * SLOT + 8) + "\n");
        node.start().awaitReady(Duration.ofSeconds(180));
        String added = node.shell("kato:role-add micro-cloud");
        assertTrue(added, added.contains("controller"));
        assertTrue(node.shell("kato:user-add --admin --password s3cret-pass dev").contains("dev"));
        awaitApi();

        connection = DefaultConnectionContext.builder().apiHost("127.0.0.1").port(proxy.port).secure(false).build();
        PasswordGrantTokenProvider tokens = PasswordGrantTokenProvider.builder().username("dev").password("s3cret-pass")
                .build();
        DefaultCloudFoundryOperations cf = DefaultCloudFoundryOperations.builder()
                .cloudFoundryClient(ReactorCloudFoundryClient.builder().connectionContext(connection).tokenProvider(tokens).build())
                .dopplerClient(ReactorDopplerClient.builder().connectionContext(connection).tokenProvider(tokens).build())
                .uaaClient(ReactorUaaClient.builder().connectionContext(connection).tokenProvider(tokens).build())
                .organization("default").space("default").build();

        // organizations and spaces
        List<OrganizationSummary> orgs = cf.organizations().list().collectList().block(TIMEOUT);
        assertTrue(String.valueOf(orgs), orgs.stream().anyMatch(o -> o.getName().equals("default")));
        List<SpaceSummary> spaces = cf.spaces().list().collectList().block(TIMEOUT);
        assertTrue(String.valueOf(spaces), spaces.stream().anyMatch(s -> s.getName().equals("default")));
        List<Domain> domains = cf.domains().list().collectList().block(TIMEOUT);
        assertTrue(String.valueOf(domains), domains.stream().anyMatch(d -> d.getName().equals("localhost")));

        // push a Node.js app from a directory and reach it through the router
        Path apps = Files.createDirectories(WORK.resolve("apps"));
        Path hello = nodeApp(apps.resolve("cfhello"), "cfhello");
        long pushStart = System.nanoTime();
        cf.applications().push(PushApplicationRequest.builder().name("cfhello").path(hello).memory(128).build())
                .block(TIMEOUT);
        String first = awaitRouter(routerPort, "cfhello.localhost");
        double cfPush = (System.nanoTime() - pushStart) / 1e9;
        assertTrue(first, first.contains("hello from cfhello instance 0"));

        ApplicationDetail detail = cf.applications().get(GetApplicationRequest.builder().name("cfhello").build())
                .block(TIMEOUT);
        assertEquals("STARTED", detail.getRequestedState());
        assertEquals(128, (int) detail.getMemoryLimit());
        assertEquals(List.of("cfhello.localhost"), detail.getUrls());
        assertEquals("strato", detail.getStack());
        assertEquals(List.of("nodejs"), detail.getBuildpacks());
        assertEquals("RUNNING", detail.getInstanceDetails().get(0).getState());

        // the same app with the platform's own CLI, for comparison
        Path cliHome = Files.createDirectories(WORK.resolve("cli-home"));
        assertEquals(0, node.cli(cliHome, apps, "target", "http://127.0.0.1:" + proxy.port).exit());
        assertEquals(0, node.cli(cliHome, apps, "login", "--username", "dev", "--password", "s3cret-pass").exit());
        Path twin = nodeApp(apps.resolve("clihello"), "clihello");
        long cliStart = System.nanoTime();
        StratoNode.CliResult cliPush = node.cli(cliHome, twin, "push", "clihello");
        assertEquals(cliPush.output(), 0, cliPush.exit());
        awaitRouter(routerPort, "clihello.localhost");
        double cliPushTime = (System.nanoTime() - cliStart) / 1e9;
        System.out.printf("[CfClientIT] push to first 200: cf-java-client %.1f s, strato push %.1f s%n", cfPush,
                cliPushTime);
        List<ApplicationSummary> listed = cf.applications().list().collectList().block(TIMEOUT);
        assertTrue(String.valueOf(listed), listed.stream().anyMatch(a -> a.getName().equals("clihello")));

        // scale out: both instances run and answer
        cf.applications().scale(ScaleApplicationRequest.builder().name("cfhello").instances(2).build()).block(TIMEOUT);
        awaitTrue("2 instances running", () -> cf.applications().get(GetApplicationRequest.builder().name("cfhello")
                .build()).block(TIMEOUT).getRunningInstances() == 2);
        awaitTrue("instance 1 answers", () -> routerBody(routerPort, "cfhello.localhost").contains("instance 1"));

        // the environment
        cf.applications().setEnvironmentVariable(SetEnvironmentVariableApplicationRequest.builder().name("cfhello")
                .variableName("GREETING").variableValue("hi there").build()).block(TIMEOUT);
        ApplicationEnvironments env = cf.applications().getEnvironments(GetApplicationEnvironmentsRequest.builder()
                .name("cfhello").build()).block(TIMEOUT);
        assertEquals("hi there", env.getUserProvided().get("GREETING"));
        cf.applications().unsetEnvironmentVariable(UnsetEnvironmentVariableApplicationRequest.builder().name("cfhello")
                .variableName("GREETING").build()).block(TIMEOUT);
        assertFalse(cf.applications().getEnvironments(GetApplicationEnvironmentsRequest.builder().name("cfhello")
                .build()).block(TIMEOUT).getUserProvided().containsKey("GREETING"));

        // recent logs hold the app's own output
        List<LogMessage> logs = cf.applications().logs(LogsRequest.builder().name("cfhello").recent(true).build())
                .collectList().block(TIMEOUT);
        assertTrue(String.valueOf(logs), logs.stream().anyMatch(l -> l.getMessage().contains("cfhello listening on")));

        // streamed logs (cf logs): a line the app writes while the stream is open arrives on it
        BlockingQueue<String> live = new LinkedBlockingQueue<>();
        reactor.core.Disposable streaming = cf.applications().logs(LogsRequest.builder().name("cfhello").recent(false)
                .build()).subscribe(m -> live.add(m.getMessage()), e -> live.add("stream failed: " + e));
        try {
            String arrived = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (int i = 0; arrived == null && System.nanoTime() < deadline; i++) {
                // the stream opens asynchronously: ask until a request's line comes through
                StratoNode.routerGet(routerPort, "cfhello.localhost", "/live-" + i);
                arrived = awaitLine(live, "served /live-", 2000);
            }
            assertNotNull("no line of the app arrived on the log stream within 60 s", arrived);
            long asked = System.nanoTime();
            StratoNode.routerGet(routerPort, "cfhello.localhost", "/probe");
            assertNotNull("the probe's line did not arrive", awaitLine(live, "served /probe", 10_000));
            System.out.printf("[CfClientIT] streamed log: the app's line arrived %.0f ms after the request%n",
                    (System.nanoTime() - asked) / 1e6);
        } finally {
            streaming.dispose();
        }

        // stop, start, restart, restage, restart one instance
        cf.applications().stop(StopApplicationRequest.builder().name("cfhello").build()).block(TIMEOUT);
        assertTrue(awaitRouterStatus(routerPort, "cfhello.localhost", "404"));
        cf.applications().start(StartApplicationRequest.builder().name("cfhello").build()).block(TIMEOUT);
        awaitRouter(routerPort, "cfhello.localhost");
        cf.applications().restart(RestartApplicationRequest.builder().name("cfhello").build()).block(TIMEOUT);
        awaitRouter(routerPort, "cfhello.localhost");
        cf.applications().restage(RestageApplicationRequest.builder().name("cfhello").build()).block(TIMEOUT);
        awaitRouter(routerPort, "cfhello.localhost");
        cf.applications().restartInstance(RestartApplicationInstanceRequest.builder().name("cfhello").instanceIndex(0)
                .build()).block(TIMEOUT);
        List<ApplicationEvent> events = cf.applications().getEvents(GetApplicationEventsRequest.builder().name("cfhello")
                .build()).collectList().block(TIMEOUT);
        assertTrue(String.valueOf(events), events.stream().anyMatch(e -> e.getEvent().equals("audit.app.update")));

        // routes: create, check, map, unmap, list, delete
        cf.routes().create(CreateRouteRequest.builder().domain("localhost").host("extra").space("default").build())
                .block(TIMEOUT);
        assertTrue(cf.routes().check(CheckRouteRequest.builder().domain("localhost").host("extra").build()).block(TIMEOUT));
        assertFalse(cf.routes().check(CheckRouteRequest.builder().domain("localhost").host("nothing").build()).block(TIMEOUT));
        cf.routes().map(MapRouteRequest.builder().applicationName("cfhello").domain("localhost").host("extra").build())
                .block(TIMEOUT);
        awaitRouter(routerPort, "extra.localhost");
        assertTrue(cf.routes().list(ListRoutesRequest.builder().build()).collectList().block(TIMEOUT).stream()
                .anyMatch(r -> r.getHost().equals("extra") && r.getApplications().contains("cfhello")));
        cf.routes().unmap(UnmapRouteRequest.builder().applicationName("cfhello").domain("localhost").host("extra").build())
                .block(TIMEOUT);
        cf.routes().delete(DeleteRouteRequest.builder().domain("localhost").host("extra").build()).block(TIMEOUT);
        assertFalse(cf.routes().check(CheckRouteRequest.builder().domain("localhost").host("extra").build()).block(TIMEOUT));

        // domains: a private domain of the organization and a shared one; routes on them reach the apps
        cf.domains().create(CreateDomainRequest.builder().domain("apps.acme.test").organization("default").build())
                .block(TIMEOUT);
        cf.domains().createShared(CreateSharedDomainRequest.builder().domain("shared.test").build()).block(TIMEOUT);
        List<Domain> withOwn = cf.domains().list().collectList().block(TIMEOUT);
        assertTrue(String.valueOf(withOwn), withOwn.stream().anyMatch(d -> d.getName().equals("apps.acme.test")));
        assertTrue(String.valueOf(withOwn), withOwn.stream().anyMatch(d -> d.getName().equals("shared.test")));
        cf.routes().create(CreateRouteRequest.builder().domain("apps.acme.test").host("www").space("default").build())
                .block(TIMEOUT);
        cf.routes().map(MapRouteRequest.builder().applicationName("cfhello").domain("apps.acme.test").host("www").build())
                .block(TIMEOUT);
        assertTrue(awaitRouter(routerPort, "www.apps.acme.test").contains("hello from cfhello"));
        cf.applications().push(PushApplicationRequest.builder().name("onshared").path(nodeApp(apps.resolve("onshared"),
                "onshared")).memory(64).domain("shared.test").build()).block(TIMEOUT);
        assertTrue(awaitRouter(routerPort, "onshared.shared.test").contains("hello from onshared"));
        cf.applications().delete(DeleteApplicationRequest.builder().name("onshared").deleteRoutes(true).build())
                .block(TIMEOUT);

        // services: the marketplace, an instance bound and unbound
        List<ServiceOffering> offerings = cf.services().listServiceOfferings(ListServiceOfferingsRequest.builder().build())
                .collectList().block(TIMEOUT);
        assertTrue(String.valueOf(offerings), offerings.stream().anyMatch(o -> o.getLabel().equals("filesystem")));
        cf.services().createInstance(CreateServiceInstanceRequest.builder().serviceName("filesystem").planName("free")
                .serviceInstanceName("files").build()).block(TIMEOUT);
        cf.services().bind(BindServiceInstanceRequest.builder().applicationName("cfhello").serviceInstanceName("files")
                .build()).block(TIMEOUT);
        assertTrue(cf.applications().getEnvironments(GetApplicationEnvironmentsRequest.builder().name("cfhello").build())
                .block(TIMEOUT).getSystemProvided().toString().contains("filesystem"));
        assertTrue(cf.services().listInstances().collectList().block(TIMEOUT).stream()
                .anyMatch(i -> i.getName().equals("files") && i.getApplications().contains("cfhello")));
        cf.services().unbind(UnbindServiceInstanceRequest.builder().applicationName("cfhello").serviceInstanceName("files")
                .build()).block(TIMEOUT);
        cf.services().deleteInstance(DeleteServiceInstanceRequest.builder().name("files").build()).block(TIMEOUT);

        // organizations, spaces, users and their roles
        cf.organizations().create(CreateOrganizationRequest.builder().organizationName("acme").build()).block(TIMEOUT);
        OrganizationDetail acme = cf.organizations().get(OrganizationInfoRequest.builder().name("acme").build())
                .block(TIMEOUT);
        assertEquals("acme", acme.getName());
        cf.spaces().create(CreateSpaceRequest.builder().organization("acme").name("dev").build()).block(TIMEOUT);
        SpaceDetail dev = cf.spaces().get(GetSpaceRequest.builder().name("default").build()).block(TIMEOUT);
        assertEquals("default", dev.getOrganization());
        assertTrue(String.valueOf(dev.getApplications()), dev.getApplications().contains("cfhello"));
        cf.userAdmin().create(CreateUserRequest.builder().username("carol").password("carol's password").build())
                .block(TIMEOUT);
        cf.userAdmin().setSpaceRole(SetSpaceRoleRequest.builder().username("carol").organizationName("acme")
                .spaceName("dev").spaceRole(SpaceRole.DEVELOPER).build()).block(TIMEOUT);
        SpaceUsers users = cf.userAdmin().listSpaceUsers(ListSpaceUsersRequest.builder().organizationName("acme")
                .spaceName("dev").build()).block(TIMEOUT);
        assertTrue(String.valueOf(users), users.getDevelopers().contains("carol"));
        OrganizationUsers members = cf.userAdmin().listOrganizationUsers(ListOrganizationUsersRequest.builder()
                .organizationName("acme").build()).block(TIMEOUT);
        assertTrue(String.valueOf(members), members.getManagers().contains("dev"));
        cf.userAdmin().setOrganizationRole(SetOrganizationRoleRequest.builder().username("carol")
                .organizationName("acme").organizationRole(OrganizationRole.AUDITOR).build()).block(TIMEOUT);
        assertTrue(cf.userAdmin().listOrganizationUsers(ListOrganizationUsersRequest.builder().organizationName("acme")
                .build()).block(TIMEOUT).getAuditors().contains("carol"));
        cf.userAdmin().unsetSpaceRole(UnsetSpaceRoleRequest.builder().username("carol").organizationName("acme")
                .spaceName("dev").spaceRole(SpaceRole.DEVELOPER).build()).block(TIMEOUT);
        assertFalse(cf.userAdmin().listSpaceUsers(ListSpaceUsersRequest.builder().organizationName("acme")
                .spaceName("dev").build()).block(TIMEOUT).getDevelopers().contains("carol"));
        cf.userAdmin().delete(DeleteUserRequest.builder().username("carol").build()).block(TIMEOUT);

        // a zip pushed without starting it, scaled in memory, then started
        Path zip = zipOf(nodeApp(apps.resolve("zipped"), "zipped"), apps.resolve("zipped.zip"));
        cf.applications().push(PushApplicationRequest.builder().name("zipped").path(zip).noStart(true).build())
                .block(TIMEOUT);
        assertEquals("STOPPED", cf.applications().get(GetApplicationRequest.builder().name("zipped").build())
                .block(TIMEOUT).getRequestedState());
        cf.applications().scale(ScaleApplicationRequest.builder().name("zipped").memoryLimit(96).build()).block(TIMEOUT);
        cf.applications().start(StartApplicationRequest.builder().name("zipped").build()).block(TIMEOUT);
        assertTrue(awaitRouter(routerPort, "zipped.localhost").contains("hello from zipped instance 0"));
        assertEquals(96, (int) cf.applications().get(GetApplicationRequest.builder().name("zipped").build())
                .block(TIMEOUT).getMemoryLimit());

        // a runnable jar pushed as the app (as cf push -p app.jar)
        Path jar = javaJar(apps.resolve("jarapp"));
        cf.applications().push(PushApplicationRequest.builder().name("jarapp").path(jar).memory(256).build())
                .block(TIMEOUT);
        assertTrue(awaitRouter(routerPort, "jarapp.localhost").contains("hello from a jar"));
        StratoNode.CliResult jarPush = node.cli(cliHome, apps, "push", "clijar", "--path", jar.toAbsolutePath().toString());
        assertEquals(jarPush.output(), 0, jarPush.exit());
        assertTrue(awaitRouter(routerPort, "clijar.localhost").contains("hello from a jar"));

        // a 20 MB app pushed twice (not started): the second upload leaves out what the controller has
        Path big = bigApp(apps.resolve("big"));
        long firstFrom = proxy.upstream.get();
        cf.applications().push(PushApplicationRequest.builder().name("big").path(big).noStart(true).build())
                .block(TIMEOUT);
        long firstSent = proxy.upstream.get() - firstFrom;
        assertTrue("the first push sends the app: " + firstSent + " bytes", firstSent > 20 * 1024 * 1024);
        long before = proxy.upstream.get();
        long secondStart = System.nanoTime();
        cf.applications().push(PushApplicationRequest.builder().name("big").path(big).noStart(true).build())
                .block(TIMEOUT);
        long sent = proxy.upstream.get() - before;
        System.out.printf("[CfClientIT] 20 MB app: first push %d bytes sent, second push (unchanged) %d bytes in %.1f s%n",
                firstSent, sent, (System.nanoTime() - secondStart) / 1e9);
        assertTrue("the second push sends almost nothing: " + sent + " bytes", sent < 1024 * 1024);

        // rename, delete with routes
        cf.applications().rename(RenameApplicationRequest.builder().name("jarapp").newName("renamed").build())
                .block(TIMEOUT);
        cf.applications().delete(DeleteApplicationRequest.builder().name("renamed").deleteRoutes(true).build())
                .block(TIMEOUT);
        assertTrue(awaitRouterStatus(routerPort, "jarapp.localhost", "404"));
        assertFalse(cf.routes().check(CheckRouteRequest.builder().domain("localhost").host("jarapp").build()).block(TIMEOUT));
    }

    private void awaitApi() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (node.httpGet("/v2/info", new StringBuilder()) == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // the controller is starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the API did not answer");
    }

    private static Path nodeApp(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("package.json"), "{\"name\":\"" + name + "\",\"version\":\"1.0.0\","
                + "\"scripts\":{\"start\":\"node server.js\"}}\n");
        Files.writeString(dir.resolve("server.js"), String.join("\n",
                "const app = JSON.parse(process.env.VCAP_APPLICATION);",
                "require('http').createServer((q, s) => { console.log('" + name + " served ' + q.url);",
                "  s.end(`hello from " + name + " instance ${app.instance_index}\\n`); })",
                "  .listen(process.env.PORT, () => console.log('" + name + " listening on ' + process.env.PORT));", ""));
        return dir;
    }

    private static Path zipOf(Path dir, Path zip) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
             java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new ZipEntry(dir.relativize(f).toString()));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        return zip;
    }

    /** A jar with a Main-Class that serves HTTP on $PORT, compiled here. */
    private static Path javaJar(Path dir) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/hello"));
        Files.writeString(src.resolve("Main.java"), String.join("\n",
                "package hello;",
                "public class Main {",
                "  public static void main(String[] args) throws Exception {",
                "    var server = com.sun.net.httpserver.HttpServer.create(",
                "        new java.net.InetSocketAddress(Integer.parseInt(System.getenv(\"PORT\"))), 0);",
                "    server.createContext(\"/\", x -> { byte[] b = \"hello from a jar\\n\".getBytes();",
                "      x.sendResponseHeaders(200, b.length); x.getResponseBody().write(b); x.close(); });",
                "    server.start();",
                "    System.out.println(\"jar listening\");",
                "  }",
                "}", ""));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                src.resolve("Main.java").toString()));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "hello.Main");
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("hello/Main.class"));
            out.write(Files.readAllBytes(classes.resolve("hello/Main.class")));
            out.closeEntry();
        }
        return jar;
    }

    /** A static site with 20 MB of data in 20 files. */
    private static Path bigApp(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("index.html"), "<h1>big</h1>\n");
        Random random = new Random(20);
        byte[] chunk = new byte[1024 * 1024];
        for (int i = 0; i < 20; i++) {
            random.nextBytes(chunk);
            Files.write(dir.resolve("data/part-" + i + ".bin"), chunk);
        }
        return dir;
    }

    /** The first line of {@code lines} containing {@code text}, within {@code millis}; null if none came. */
    private static String awaitLine(BlockingQueue<String> lines, String text, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (long left = millis; left > 0; left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
            String line = lines.poll(left, TimeUnit.MILLISECONDS);
            if (line == null) {
                return null;
            }
            assertFalse(line, line.startsWith("stream failed"));
            if (line.contains(text)) {
                return line;
            }
        }
        return null;
    }

    private static String routerBody(int port, String host) {
        try {
            return StratoNode.routerGet(port, host);
        } catch (IOException e) {
            return "";
        }
    }

    private static String awaitRouter(int port, String host) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = routerBody(port, host);
            if (last.startsWith("HTTP/1.1 200")) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(host + " never answered 200; last: " + last);
    }

    private static boolean awaitRouterStatus(int port, String host, String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (routerBody(port, host).startsWith("HTTP/1.1 " + status)) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    private static void awaitTrue(String what, Supplier<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(what + ": not within 60 s");
    }

    /** Forwards 127.0.0.1:port to the node's HTTP port and counts the bytes clients send. */
    private static final class CountingProxy implements AutoCloseable {
        final int port;
        final AtomicLong upstream = new AtomicLong();
        private final ServerSocket server;
        private final int target;

        CountingProxy(int port, int target) throws IOException {
            this.port = port;
            this.target = target;
            this.server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(this::accept, "counting-proxy");
            accept.setDaemon(true);
            accept.start();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket node = new Socket(InetAddress.getLoopbackAddress(), target);
                    pump(client.getInputStream(), node.getOutputStream(), upstream, client, node);
                    pump(node.getInputStream(), client.getOutputStream(), new AtomicLong(), client, node);
                } catch (IOException e) {
                    // closed
                }
            }
        }

        private static void pump(InputStream in, OutputStream out, AtomicLong counted, Socket a, Socket b) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[65536];
                try {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        out.write(buffer, 0, n);
                        out.flush();
                        counted.addAndGet(n);
                    }
                } catch (IOException e) {
                    // one side went away
                } finally {
                    try {
                        a.close();
                        b.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
            }, "counting-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
