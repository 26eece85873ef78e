package io.strato.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.After;
import org.junit.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * Organizations, spaces, roles and quotas on one assembled micro cloud. An admin makes two organizations with a
 * space each; a developer of one pushes an app with a secret in its environment and a bound redis. The developer
 * of the other organization finds none of it (404, empty lists) and can change none of it; the auditor of the
 * first space sees the app, its state, logs and events but neither its environment nor the binding's credentials,
 * and changes nothing. The second organization's quota refuses memory, instances, routes and service instances
 * past its limits with Cloud Foundry's codes, and loses nothing when it does. A user deleted and added again under
 * the same name does not get its old token back.
 */
public class TenancyIT {

    private static final Path WORK = Path.of("target", "tenancy");
    private static final int SLOT = 4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "s3cret-pass";
    private static final String SECRET = "tenancy-private-value-7d41c9";
    private static final String REDACTED = "{\"redacted_message\":\"[PRIVATE DATA HIDDEN]\"}";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private StratoNode node;
    private String api;

    @After
    public void stopNode() throws InterruptedException {
        if (node != null) {
            node.close();
        }
    }

    @Test
    public void organizationsKeepTheirAppsServicesAndSecretsApartAndQuotasHold() throws Exception {
        long started = System.nanoTime();
        node = new StratoNode("tenancy", SLOT, WORK.resolve("nodes"));
        int routerPort = 20000 + 100 * SLOT + 6;
        node.edit("etc/io.strato.router.cfg", "port = 8080", "port = " + routerPort);
        node.start().awaitReady(Duration.ofSeconds(180));
        api = "http://127.0.0.1:" + node.httpPort;
        String added = node.shell("kato:role-add primary controller health-manager stager dea router redis");
        assertTrue(added, added.contains("Added roles:") && added.contains("redis"));
        assertTrue(node.shell("kato:user-add --admin --password " + PASSWORD + " cloudadmin").contains("added"));
        for (String user : List.of("devA", "devB", "audA")) {
            String out = node.shell("kato:user-add --password " + PASSWORD + " " + user);
            assertTrue(out, out.contains("User " + user + " added") && !out.contains("(admin)"));
        }
        lap(started, "node ready with roles and users");

        // --- the admin: a quota, two organizations with a space "dev" each, a developer in each
        Path apps = Files.createDirectories(WORK.resolve("apps"));
        Path adminCli = cliHome("admin");
        login(adminCli, apps, "cloudadmin");
        ok(adminCli, apps, "create-quota", "small", "-m", "1G", "-a", "3", "-r", "2", "-s", "1");
        for (String org : List.of("org-a", "org-b")) {
            ok(adminCli, apps, "create-org", org);
            ok(adminCli, apps, "create-space", "dev", "-o", org);
        }
        ok(adminCli, apps, "set-quota", "org-b", "small");
        ok(adminCli, apps, "set-space-role", "devA", "org-a", "dev", "SpaceDeveloper");
        ok(adminCli, apps, "set-space-role", "devB", "org-b", "dev", "SpaceDeveloper");

        String admin = token("cloudadmin");
        String orgA = only(call(admin, "GET", "/v2/organizations?q=name:org-a", null), "org-a");
        String orgB = only(call(admin, "GET", "/v2/organizations?q=name:org-b", null), "org-b");
        String spaceA = only(call(admin, "GET", "/v2/organizations/" + orgA + "/spaces", null), "dev");
        String spaceB = only(call(admin, "GET", "/v2/organizations/" + orgB + "/spaces", null), "dev");
        assertFalse(spaceA.equals(spaceB));
        JsonNode quota = call(admin, "GET", "/v2/organizations/" + orgB, null).json.path("entity");
        Answer small = call(admin, "GET", "/v2/quota_definitions?q=name:small", null);
        assertEquals(small.body, quota.path("quota_definition_guid").asText(), guidOf(small, "small"));
        JsonNode limits = small.json.path("resources").get(0).path("entity");
        assertEquals(small.body, 1024, limits.path("memory_limit").asInt());
        assertEquals(small.body, 1, limits.path("total_services").asInt());

        // the auditor: a space role needs the organization's "users" role first
        Answer early = call(admin, "PUT", "/v2/spaces/" + spaceA + "/auditors", "{\"username\":\"audA\"}");
        assertEquals(early.body, 400, early.status);
        assertEquals(early.body, 201, call(admin, "PUT", "/v2/organizations/" + orgA + "/users", "{\"username\":\"audA\"}").status);
        assertEquals(201, call(admin, "PUT", "/v2/spaces/" + spaceA + "/auditors", "{\"username\":\"audA\"}").status);
        lap(started, "organizations, spaces and roles");

        // --- devA pushes an app with a secret in its environment and a bound redis
        Path helloA = helloApp(apps.resolve("hello-a"));
        Files.writeString(helloA.resolve("stackato.yml"), "name: hello-a\nmem: 128M\nenv:\n  API_SECRET: " + SECRET
                + "\nservices:\n  cache-a: redis\n");
        Path devACli = cliHome("devA");
        login(devACli, apps, "devA");
        StratoNode.CliResult pushA = node.cli(devACli, helloA, "push");
        assertEquals(pushA.output(), 0, pushA.exit());
        assertTrue(pushA.output(), pushA.output().contains("http://hello-a.localhost:" + routerPort));
        assertTrue(awaitRouter(routerPort, "hello-a.localhost", "200").contains("hello from hello-a"));

        // --- devB pushes a 512 MB app into its own organization, under its quota
        Path helloB = helloApp(apps.resolve("hello-b"));
        Path devBCli = cliHome("devB");
        login(devBCli, apps, "devB");
        StratoNode.CliResult pushB = node.cli(devBCli, helloB, "push", "hello-b", "--mem", "512M");
        assertEquals(pushB.output(), 0, pushB.exit());
        assertTrue(awaitRouter(routerPort, "hello-b.localhost", "200").contains("hello from hello-b"));
        lap(started, "both apps pushed and serving");

        String devA = token("devA");
        String devB = token("devB");
        String audA = token("audA");
        String appA = only(call(devA, "GET", "/v2/apps?q=name:hello-a", null), "hello-a");
        String appB = only(call(devB, "GET", "/v2/apps?q=name:hello-b", null), "hello-b");
        String routeA = call(devA, "GET", "/v2/apps/" + appA + "/routes", null).json.path("resources").get(0)
                .path("metadata").path("guid").asText();
        String serviceA = only(call(devA, "GET", "/v2/service_instances?q=name:cache-a", null), "cache-a");
        Answer bindingsA = call(devA, "GET", "/v2/apps/" + appA + "/service_bindings", null);
        assertEquals(bindingsA.body, 1, bindingsA.json.path("resources").size());
        String bindingA = bindingsA.json.path("resources").get(0).path("metadata").path("guid").asText();

        // what devA, a developer of the space, sees: the secret, the credentials
        JsonNode credentials = bindingsA.json.path("resources").get(0).path("entity").path("credentials");
        String redisPassword = credentials.path("password").asText();
        assertTrue(bindingsA.body, redisPassword.length() >= 16);
        Answer envA = call(devA, "GET", "/v2/apps/" + appA + "/env", null);
        assertEquals(envA.body, 200, envA.status);
        assertEquals(envA.body, SECRET, envA.json.path("environment_json").path("API_SECRET").asText());
        assertTrue(envA.body, envA.body.contains(redisPassword));

        // --- devB: everything of org-a answers 404, as if it did not exist
        Map<String, String> hiddenFromB = Map.of(
                "/v2/apps/" + appA, "CF-AppNotFound",
                "/v2/apps/" + appA + "/env", "CF-AppNotFound",
                "/v2/apps/" + appA + "/service_bindings", "CF-AppNotFound",
                "/v2/apps/" + appA + "/instances", "CF-AppNotFound",
                "/v2/apps/" + appA + "/logs", "CF-AppNotFound",
                "/v2/service_bindings/" + bindingA, "CF-ServiceBindingNotFound",
                "/v2/routes/" + routeA, "CF-RouteNotFound",
                "/v2/service_instances/" + serviceA, "CF-ServiceInstanceNotFound",
                "/v2/spaces/" + spaceA, "CF-SpaceNotFound",
                "/v2/organizations/" + orgA, "CF-OrganizationNotFound");
        for (Map.Entry<String, String> hidden : hiddenFromB.entrySet()) {
            assertNotFound(call(devB, "GET", hidden.getKey(), null), hidden.getValue(), "GET " + hidden.getKey());
        }
        // its lists hold its own things and nothing of org-a
        Map<String, List<String>> listsOfB = Map.of(
                "/v2/apps", List.of(appA, "hello-a", SECRET),
                "/v2/service_instances", List.of(serviceA, "cache-a"),
                "/v2/service_bindings", List.of(bindingA, appA, redisPassword),
                "/v2/routes", List.of(routeA, "hello-a"),
                "/v2/organizations", List.of(orgA, "org-a"),
                "/v2/spaces", List.of(spaceA),
                "/v2/events", List.of(appA, spaceA, "hello-a", SECRET, redisPassword));
        for (Map.Entry<String, List<String>> list : listsOfB.entrySet()) {
            Answer seen = call(devB, "GET", list.getKey() + "?results-per-page=100", null);
            assertEquals(list.getKey() + ": " + seen.body, 200, seen.status);
            for (String hidden : list.getValue()) {
                assertFalse("devB's " + list.getKey() + " shows " + hidden + ": " + seen.body, seen.body.contains(hidden));
            }
        }
        Answer appsOfB = call(devB, "GET", "/v2/apps", null);
        assertEquals(appsOfB.body, 1, appsOfB.json.path("total_results").asInt());
        assertEquals(appsOfB.body, appB, appsOfB.json.path("resources").get(0).path("metadata").path("guid").asText());
        assertEquals(1, call(devB, "GET", "/v2/organizations", null).json.path("total_results").asInt());
        Answer filtered = call(devB, "GET", "/v2/apps?q=space_guid:" + spaceA, null);
        assertEquals(filtered.body, 200, filtered.status);
        assertEquals("devB lists the apps of org-a's space: " + filtered.body, 0, filtered.json.path("total_results").asInt());
        // nor can it change, take over or delete any of it
        assertNotFound(call(devB, "PUT", "/v2/apps/" + appA, "{\"state\":\"STOPPED\"}"), "CF-AppNotFound", "devB stops hello-a");
        assertNotFound(call(devB, "POST", "/v2/apps", "{\"name\":\"intruder\",\"space_guid\":\"" + spaceA + "\"}"),
                "CF-SpaceNotFound", "devB creates an app in org-a's space");
        assertNotFound(call(devB, "POST", "/v2/service_bindings", "{\"service_instance_guid\":\"" + serviceA
                + "\",\"app_guid\":\"" + appB + "\"}"), "CF-ServiceInstanceNotFound", "devB binds org-a's redis to its app");
        assertNotFound(call(devB, "PUT", "/v2/apps/" + appB + "/routes/" + routeA, null), "CF-RouteNotFound",
                "devB maps org-a's route to its app");
        assertNotFound(call(devB, "DELETE", "/v2/service_bindings/" + bindingA, null), "CF-ServiceBindingNotFound",
                "devB deletes org-a's binding");
        assertNotFound(call(devB, "DELETE", "/v2/routes/" + routeA, null), "CF-RouteNotFound", "devB deletes org-a's route");
        assertNotFound(call(devB, "DELETE", "/v2/service_instances/" + serviceA + "?recursive=true", null),
                "CF-ServiceInstanceNotFound", "devB deletes org-a's redis");
        assertNotFound(call(devB, "DELETE", "/v2/apps/" + appA, null), "CF-AppNotFound", "devB deletes hello-a");
        assertNotFound(call(devB, "DELETE", "/v2/spaces/" + spaceA, null), "CF-SpaceNotFound", "devB deletes org-a's space");
        // the CLI says the same: not there
        StratoNode.CliResult envByB = node.cli(devBCli, apps, "env", "hello-a");
        assertEquals(envByB.output(), 1, envByB.exit());
        assertFalse(envByB.output(), envByB.output().contains(SECRET));
        // and all of it is still there: hello-a serves, bound, with its route and secret
        assertTrue(StratoNode.routerGet(routerPort, "hello-a.localhost").contains("hello from hello-a"));
        assertEquals(200, call(devA, "GET", "/v2/routes/" + routeA, null).status);
        assertEquals(200, call(devA, "GET", "/v2/service_bindings/" + bindingA, null).status);
        assertEquals(200, call(devA, "GET", "/v2/service_instances/" + serviceA, null).status);
        assertEquals("STARTED", call(devA, "GET", "/v2/apps/" + appA, null).json.path("entity").path("state").asText());
        lap(started, "devB sees and changes nothing of org-a");

        // --- audA, auditor of org-a's space: sees the app, its state, logs and events, never a secret
        Answer appByAuditor = call(audA, "GET", "/v2/apps/" + appA, null);
        assertEquals(appByAuditor.body, 200, appByAuditor.status);
        assertEquals(appByAuditor.body, "STARTED", appByAuditor.json.path("entity").path("state").asText());
        assertEquals(appByAuditor.body, REDACTED, appByAuditor.json.path("entity").path("environment_json").toString());
        Answer instances = call(audA, "GET", "/v2/apps/" + appA + "/instances", null);
        assertEquals(instances.body, "RUNNING", instances.json.path("0").path("state").asText());
        String logs = awaitAnswer(audA, "/v2/apps/" + appA + "/logs?num=200", a -> a.body.contains("listening on"));
        assertTrue(logs, logs.contains("\"line\""));
        Answer events = call(audA, "GET", "/v2/events?results-per-page=100", null);
        assertEquals(events.body, 200, events.status);
        assertTrue("the auditor sees hello-a's creation: " + events.body, hasEvent(events.json, "audit.app.create", appA));
        assertTrue("the auditor sees the binding: " + events.body, hasEvent(events.json, "audit.service_binding.create", null));
        assertEquals(200, call(audA, "GET", "/v2/apps/" + appA + "/events", null).status);
        Answer envByAuditor = call(audA, "GET", "/v2/apps/" + appA + "/env", null);
        assertEquals(envByAuditor.body, 403, envByAuditor.status);
        assertEquals(envByAuditor.body, "CF-NotAuthorized", envByAuditor.json.path("error_code").asText());
        for (String path : List.of("/v2/apps/" + appA + "/service_bindings", "/v2/service_bindings?q=app_guid:" + appA)) {
            Answer bindings = call(audA, "GET", path, null);
            assertEquals(bindings.body, 1, bindings.json.path("resources").size());
            assertEquals(path + ": " + bindings.body, REDACTED,
                    bindings.json.path("resources").get(0).path("entity").path("credentials").toString());
        }
        Answer binding = call(audA, "GET", "/v2/service_bindings/" + bindingA, null);
        assertEquals(binding.body, REDACTED, binding.json.path("entity").path("credentials").toString());
        // no answer the auditor can get holds the secret or the redis password
        for (String path : List.of("/v2/apps", "/v2/apps/" + appA, "/v2/apps/" + appA + "/service_bindings",
                "/v2/service_bindings", "/v2/service_bindings/" + bindingA, "/v2/service_instances/" + serviceA,
                "/v2/spaces/" + spaceA + "/summary", "/v2/spaces/" + spaceA + "/apps", "/v2/events?results-per-page=100",
                "/v2/apps/" + appA + "/events", "/v2/apps/" + appA + "/stats", "/v2/apps/" + appA + "/logs?num=1000")) {
            Answer seen = call(audA, "GET", path, null);
            assertEquals(path + ": " + seen.body, 200, seen.status);
            assertFalse(path + " shows the auditor the secret: " + seen.body, seen.body.contains(SECRET));
            assertFalse(path + " shows the auditor the redis password: " + seen.body, seen.body.contains(redisPassword));
        }
        // it changes nothing: 403, it sees what it may not touch
        for (String[] change : new String[][] {
                {"PUT", "/v2/apps/" + appA, "{\"instances\":2}"},
                {"PUT", "/v2/apps/" + appA, "{\"environment_json\":{\"API_SECRET\":\"overwritten\"}}"},
                {"PUT", "/v2/apps/" + appA, "{\"state\":\"STOPPED\"}"},
                {"DELETE", "/v2/apps/" + appA, null},
                {"DELETE", "/v2/service_bindings/" + bindingA, null},
                {"DELETE", "/v2/routes/" + routeA, null},
                {"DELETE", "/v2/service_instances/" + serviceA + "?recursive=true", null},
                {"POST", "/v2/apps", "{\"name\":\"auditors-app\",\"space_guid\":\"" + spaceA + "\"}"}}) {
            Answer refused = call(audA, change[0], change[1], change[2]);
            assertEquals(change[0] + " " + change[1] + ": " + refused.body, 403, refused.status);
            assertEquals(refused.body, "CF-NotAuthorized", refused.json.path("error_code").asText());
        }
        // nor does it see org-b
        assertNotFound(call(audA, "GET", "/v2/apps/" + appB, null), "CF-AppNotFound", "audA reads hello-b");
        // the CLI, as the auditor: the app is listed, its logs show, its environment is refused
        Path audACli = cliHome("audA");
        login(audACli, apps, "audA");
        StratoNode.CliResult listed = node.cli(audACli, apps, "apps");
        assertTrue(listed.output(), listed.exit() == 0 && listed.output().contains("hello-a") && !listed.output().contains("hello-b"));
        StratoNode.CliResult envCli = node.cli(audACli, apps, "env", "hello-a");
        assertEquals(envCli.output(), 1, envCli.exit());
        assertTrue(envCli.output(), envCli.output().contains("CF-NotAuthorized"));
        assertFalse(envCli.output(), envCli.output().contains(SECRET));
        // after all that, hello-a is as devA left it
        JsonNode after = call(devA, "GET", "/v2/apps/" + appA, null).json.path("entity");
        assertEquals(after.toString(), 1, after.path("instances").asInt());
        assertEquals(after.toString(), SECRET, after.path("environment_json").path("API_SECRET").asText());
        assertTrue(StratoNode.routerGet(routerPort, "hello-a.localhost").contains("hello from hello-a"));
        lap(started, "the auditor sees, and changes nothing");

        // --- mgrA, manager of org-a without a space role: sees every space of org-a, not their secrets; makes a
        // space of its own, where it develops; org-b stays hidden from it
        assertTrue(node.shell("kato:user-add --password " + PASSWORD + " mgrA").contains("added"));
        assertEquals(201, call(admin, "PUT", "/v2/organizations/" + orgA + "/managers", "{\"username\":\"mgrA\"}").status);
        String mgrA = token("mgrA");
        assertEquals(200, call(mgrA, "GET", "/v2/spaces/" + spaceA, null).status);
        Answer appByManager = call(mgrA, "GET", "/v2/apps/" + appA, null);
        assertEquals(appByManager.body, 200, appByManager.status);
        assertEquals(appByManager.body, REDACTED, appByManager.json.path("entity").path("environment_json").toString());
        assertEquals(403, call(mgrA, "GET", "/v2/apps/" + appA + "/env", null).status);
        Answer staging = call(mgrA, "POST", "/v2/spaces", "{\"name\":\"staging\",\"organization_guid\":\"" + orgA + "\"}");
        assertEquals(staging.body, 201, staging.status);
        String stagingSpace = staging.json.path("metadata").path("guid").asText();
        Answer managersApp = call(mgrA, "POST", "/v2/apps", "{\"name\":\"managers-app\",\"space_guid\":\"" + stagingSpace + "\"}");
        assertEquals(managersApp.body, 201, managersApp.status);
        assertNotFound(call(devA, "GET", "/v2/spaces/" + stagingSpace, null), "CF-SpaceNotFound", "devA reads the space it has no role in");
        assertNotFound(call(devA, "GET", "/v2/apps/" + managersApp.json.path("metadata").path("guid").asText(), null),
                "CF-AppNotFound", "devA reads an app of the space it has no role in");
        assertNotFound(call(mgrA, "POST", "/v2/spaces", "{\"name\":\"mine\",\"organization_guid\":\"" + orgB + "\"}"),
                "CF-OrganizationNotFound", "mgrA makes a space in org-b");
        assertNotFound(call(mgrA, "GET", "/v2/apps/" + appB, null), "CF-AppNotFound", "mgrA reads hello-b");
        Answer spacesOfManager = call(mgrA, "GET", "/v2/spaces", null);
        assertEquals(spacesOfManager.body, 2, spacesOfManager.json.path("total_results").asInt());
        lap(started, "the org manager");

        // --- org-b's quota: 1024 MB, 3 instances, 2 routes, 1 service instance
        StratoNode.CliResult scaled = node.cli(devBCli, apps, "scale", "hello-b", "--instances", "3");
        assertEquals(scaled.output(), 1, scaled.exit());
        assertTrue(scaled.output(), scaled.output().contains("CF-AppMemoryQuotaExceeded"));
        assertTrue(scaled.output(), scaled.output().contains("You have exceeded your organization's memory limit"));
        Answer tooMuch = call(devB, "PUT", "/v2/apps/" + appB, "{\"instances\":3}");
        assertQuota(tooMuch, 100005, "CF-AppMemoryQuotaExceeded",
                "You have exceeded your organization's memory limit: memory quota exceeded: ");
        assertTrue(tooMuch.body, tooMuch.json.path("description").asText().matches(
                ".*memory quota exceeded: \\d+ MB in use of 1024 MB, this change needs 1536 MB"));
        // a second app that would start past the limit: the description names what is in use
        Answer big = call(devB, "POST", "/v2/apps", "{\"name\":\"big\",\"space_guid\":\"" + spaceB
                + "\",\"memory\":512,\"instances\":2}");
        assertEquals(big.body, 201, big.status);
        String bigGuid = big.json.path("metadata").path("guid").asText();
        assertQuota(call(devB, "PUT", "/v2/apps/" + bigGuid, "{\"state\":\"STARTED\"}"), 100005, "CF-AppMemoryQuotaExceeded",
                "You have exceeded your organization's memory limit: memory quota exceeded: 512 MB in use of 1024 MB,"
                        + " this change needs 1024 MB");
        assertQuota(call(devB, "PUT", "/v2/apps/" + appB, "{\"memory\":128,\"instances\":4}"), 100008,
                "CF-QuotaInstanceLimitExceeded", "You have exceeded the instance limit for your organization's quota");
        // services: one is allowed, the second refused
        StratoNode.CliResult cache = node.cli(devBCli, apps, "create-service", "redis", "cache-b");
        assertEquals(cache.output(), 0, cache.exit());
        StratoNode.CliResult second = node.cli(devBCli, apps, "create-service", "redis", "cache-b2");
        assertEquals(second.output(), 1, second.exit());
        assertTrue(second.output(), second.output().contains("CF-ServiceInstanceQuotaExceeded"));
        String redisPlan = call(devB, "GET", "/v2/service_plans", null).json.path("resources").get(0)
                .path("metadata").path("guid").asText();
        assertQuota(call(devB, "POST", "/v2/service_instances", "{\"name\":\"cache-b3\",\"service_plan_guid\":\"" + redisPlan
                        + "\",\"space_guid\":\"" + spaceB + "\"}"), 60005, "CF-ServiceInstanceQuotaExceeded",
                "You have exceeded your organization's services limit: 1 service instances in use of 1");
        // routes: hello-b has one, a second is allowed, a third refused
        String domain = call(devB, "GET", "/v2/shared_domains", null).json.path("resources").get(0)
                .path("metadata").path("guid").asText();
        assertEquals(201, call(devB, "POST", "/v2/routes", route("extra-b1", domain, spaceB)).status);
        assertQuota(call(devB, "POST", "/v2/routes", route("extra-b2", domain, spaceB)), 310006,
                "CF-OrgQuotaTotalRoutesExceeded", "You have exceeded the total routes for your organization's quota");
        // nothing was lost by the refusals
        JsonNode helloB2 = call(devB, "GET", "/v2/apps/" + appB, null).json.path("entity");
        assertEquals(helloB2.toString(), "STARTED", helloB2.path("state").asText());
        assertEquals(helloB2.toString(), 1, helloB2.path("instances").asInt());
        assertEquals(helloB2.toString(), 512, helloB2.path("memory").asInt());
        JsonNode bigAfter = call(devB, "GET", "/v2/apps/" + bigGuid, null).json.path("entity");
        assertEquals(bigAfter.toString(), "STOPPED", bigAfter.path("state").asText());
        assertEquals(bigAfter.toString(), 2, bigAfter.path("instances").asInt());
        Answer servicesOfB = call(devB, "GET", "/v2/service_instances", null);
        assertEquals(servicesOfB.body, 1, servicesOfB.json.path("total_results").asInt());
        assertEquals(servicesOfB.body, "cache-b", servicesOfB.json.path("resources").get(0).path("entity").path("name").asText());
        assertTrue(StratoNode.routerGet(routerPort, "hello-b.localhost").contains("hello from hello-b"));
        JsonNode summary = call(admin, "GET", "/v2/organizations/" + orgB + "/summary", null).json.path("quota").path("usage");
        assertEquals(summary.toString(), 512, summary.path("memory").asInt());
        assertEquals(summary.toString(), 1, summary.path("services").asInt());
        // org-a, on the default quota, is not held by org-b's
        assertEquals(201, call(devA, "POST", "/v2/routes", route("extra-a1", domain, spaceA)).status);
        assertEquals(201, call(devA, "POST", "/v2/routes", route("extra-a2", domain, spaceA)).status);
        lap(started, "quotas");

        // --- a user deleted and added again under its name does not get its old token back
        assertEquals(200, call(devB, "GET", "/v2/apps", null).status);
        assertTrue(node.shell("kato:user-delete devB").contains("deleted"));
        assertInvalidToken(call(devB, "GET", "/v2/apps", null), "the deleted devB's token");
        assertTrue(node.shell("kato:user-add --password other-pass-2 devB").contains("added"));
        assertInvalidToken(call(devB, "GET", "/v2/apps", null), "the old devB's token, once devB is added again");
        assertInvalidToken(call(devB, "GET", "/v2/apps/" + appB, null), "the old devB's token, once devB is added again");
        assertInvalidToken(call(devB, "DELETE", "/v2/apps/" + appB, null), "the old devB's token, once devB is added again");
        String newDevB = token("devB", "other-pass-2");
        Answer fresh = call(newDevB, "GET", "/v2/apps", null);
        assertEquals(fresh.body, 200, fresh.status);
        assertEquals("the new devB holds none of the old one's roles: " + fresh.body, 0, fresh.json.path("total_results").asInt());
        assertEquals(0, call(newDevB, "GET", "/v2/organizations", null).json.path("total_results").asInt());
        assertNotFound(call(newDevB, "GET", "/v2/apps/" + appB, null), "CF-AppNotFound", "the new devB reads hello-b");
        assertTrue(StratoNode.routerGet(routerPort, "hello-b.localhost").contains("hello from hello-b"));
        lap(started, "done");
    }

    // --- HTTP

    private record Answer(int status, String body, JsonNode json) {
    }

    private Answer call(String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String text = response.body();
        JsonNode json;
        try {
            json = text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (Exception e) {
            json = JSON.createObjectNode();
        }
        return new Answer(response.statusCode(), text, json);
    }

    private String token(String user) throws Exception {
        return token(user, PASSWORD);
    }

    private String token(String user, String password) throws Exception {
        return Api.token(api, user, password);
    }

    /** The guid of the one resource of a list, checking its name. */
    private static String only(Answer list, String name) {
        assertEquals(list.body, 200, list.status);
        assertEquals(list.body, 1, list.json.path("resources").size());
        return guidOf(list, name);
    }

    private static String guidOf(Answer list, String name) {
        for (JsonNode r : list.json.path("resources")) {
            if (name.equals(r.path("entity").path("name").asText())) {
                return r.path("metadata").path("guid").asText();
            }
        }
        throw new AssertionError("no " + name + " in " + list.body);
    }

    private static boolean hasEvent(JsonNode page, String type, String actee) {
        for (JsonNode r : page.path("resources")) {
            JsonNode e = r.path("entity");
            if (type.equals(e.path("type").asText()) && (actee == null || actee.equals(e.path("actee").asText()))) {
                return true;
            }
        }
        return false;
    }

    private static String route(String host, String domain, String space) {
        return "{\"host\":\"" + host + "\",\"domain_guid\":\"" + domain + "\",\"space_guid\":\"" + space + "\"}";
    }

    private static void assertNotFound(Answer answer, String errorCode, String what) {
        assertEquals(what + ": " + answer.body, 404, answer.status);
        if (errorCode != null) {
            assertEquals(what + ": " + answer.body, errorCode, answer.json.path("error_code").asText());
        }
    }

    private static void assertInvalidToken(Answer answer, String what) {
        assertEquals(what + ": " + answer.body, 401, answer.status);
        assertEquals(what + ": " + answer.body, "CF-InvalidAuthToken", answer.json.path("error_code").asText());
    }

    private static void assertQuota(Answer answer, int code, String errorCode, String description) {
        assertEquals(answer.body, 400, answer.status);
        assertEquals(answer.body, errorCode, answer.json.path("error_code").asText());
        assertEquals(answer.body, code, answer.json.path("code").asInt());
        assertTrue(answer.body, answer.json.path("description").asText().startsWith(description));
        System.out.printf("[TenancyIT] refused: %s %s%n", errorCode, answer.json.path("description").asText());
    }

    private String awaitAnswer(String token, String path, java.util.function.Predicate<Answer> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Answer last = null;
        while (System.nanoTime() < deadline) {
            last = call(token, "GET", path, null);
            if (last.status == 200 && until.test(last)) {
                return last.body;
            }
            Thread.sleep(300);
        }
        throw new AssertionError(path + " never matched; last: " + (last == null ? "" : last.status + " " + last.body));
    }

    // --- CLI and router

    private Path cliHome(String user) throws Exception {
        Path home = WORK.resolve("cli-" + user);
        StratoNode.deleteRecursively(home);
        return Files.createDirectories(home);
    }

    private void login(Path cliHome, Path dir, String user) throws Exception {
        ok(cliHome, dir, "target", api);
        ok(cliHome, dir, "login", "--username", user, "--password", PASSWORD);
    }

    private void ok(Path cliHome, Path dir, String... args) throws Exception {
        StratoNode.CliResult result = node.cli(cliHome, dir, args);
        assertEquals("strato " + String.join(" ", args) + ":\n" + result.output(), 0, result.exit());
    }

    private static Path helloApp(Path dir) throws Exception {
        StratoNode.deleteRecursively(dir);
        Files.createDirectories(dir);
        String name = dir.getFileName().toString();
        Files.writeString(dir.resolve("package.json"), "{\"name\":\"" + name + "\",\"version\":\"1.0.0\",\"scripts\":{\"start\":\"node server.js\"}}\n");
        Files.writeString(dir.resolve("server.js"), String.join("\n",
                "require('http').createServer((req, res) => res.end('hello from " + name + "\\n'))",
                "  .listen(process.env.PORT, () => console.log('listening on ' + process.env.PORT));", ""));
        return dir;
    }

    private static String awaitRouter(int port, String host, String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = StratoNode.routerGet(port, host);
            if (last.startsWith("HTTP/1.1 " + status)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(host + " never answered " + status + "; last: " + last);
    }

    private static void lap(long started, String what) {
        System.out.printf("[TenancyIT] %s: %.1f s%n", what, (System.nanoTime() - started) / 1e9);
    }
}
