package io.strato.role.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.role.controller.ControllerFixture.Reply;
import io.strato.role.controller.services.FakeBroker;
import io.strato.role.controller.services.ServiceCatalog;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The access rules, endpoint by endpoint: every resource method of the API declares its rule with {@link Allow}
 * (a new endpoint without one fails the build), and for every endpoint and every kind of user the answer is
 * what the rule promises: done, 403 (sees it but may not), or 404 (may not see it). The expected answers come
 * from the table in {@link #expected}, written here independently of the controller's code; the cases are
 * generated from the endpoints found in the compiled resource classes, so none is forgotten.
 */
class AccessRulesTest {

    /** The kinds of users the table knows, each a real user with its roles in organization A. */
    enum Who { ADMIN, ORG_MANAGER, ORG_AUDITOR, ORG_USER, SPACE_MANAGER, SPACE_DEVELOPER, SPACE_AUDITOR, OUTSIDER }

    private static final int DONE = 200;
    private static ControllerFixture c;
    private static FakeBroker broker;
    private static final Map<Who, String> TOKENS = new EnumMap<>(Who.class);
    private static final Map<Who, String> GUIDS = new EnumMap<>(Who.class);
    private static String orgA;
    private static String spaceS;
    private static String orgB;
    private static String spaceT;
    private static String extraUser;

    @BeforeAll
    static void cloud() throws Exception {
        c = new ControllerFixture();
        broker = new FakeBroker(ControllerFixture.SECRET);
        broker.advertise(c.shared);
        orgA = created(c.post("/v2/organizations", "{\"name\":\"org-a\"}"));
        orgB = created(c.post("/v2/organizations", "{\"name\":\"org-b\"}"));
        spaceS = created(c.post("/v2/spaces", "{\"name\":\"s\",\"organization_guid\":\"" + orgA + "\"}"));
        spaceT = created(c.post("/v2/spaces", "{\"name\":\"t\",\"organization_guid\":\"" + orgB + "\"}"));
        TOKENS.put(Who.ADMIN, c.token());
        GUIDS.put(Who.ADMIN, c.users.find(ControllerFixture.USER).orElseThrow().guid());
        user(Who.ORG_MANAGER, orgA, "users", "managers");
        user(Who.ORG_AUDITOR, orgA, "users", "auditors");
        user(Who.ORG_USER, orgA, "users");
        user(Who.SPACE_MANAGER, orgA, "users");
        user(Who.SPACE_DEVELOPER, orgA, "users");
        user(Who.SPACE_AUDITOR, orgA, "users");
        user(Who.OUTSIDER, orgB, "users");
        role("/v2/spaces/" + spaceS + "/managers/" + GUIDS.get(Who.SPACE_MANAGER));
        role("/v2/spaces/" + spaceS + "/developers/" + GUIDS.get(Who.SPACE_DEVELOPER));
        role("/v2/spaces/" + spaceS + "/auditors/" + GUIDS.get(Who.SPACE_AUDITOR));
        role("/v2/spaces/" + spaceT + "/developers/" + GUIDS.get(Who.OUTSIDER));
        extraUser = c.users.add("extra", "extra's password", false).guid();
        role("/v2/organizations/" + orgA + "/users/" + extraUser);
    }

    @AfterAll
    static void stop() {
        broker.close();
        c.close();
    }

    private static void user(Who who, String org, String... orgRoles) throws Exception {
        String name = who.name().toLowerCase().replace('_', '-');
        GUIDS.put(who, c.users.add(name, name + " password", false).guid());
        TOKENS.put(who, c.login(name, name + " password").json().get("access_token").asText());
        for (String role : orgRoles) {
            role("/v2/organizations/" + org + "/" + role + "/" + GUIDS.get(who));
        }
    }

    private static void role(String path) throws Exception {
        Reply r = c.put(path, "");
        assertEquals(201, r.status(), path + ": " + r.body());
    }

    private static String created(Reply r) {
        assertEquals(201, r.status(), r.body());
        return r.json().at("/metadata/guid").asText();
    }

    /** The answer the rule promises {@code who} for an operation on organization A or its space S. */
    static int expected(Op op, Who who) {
        boolean inOrg = who != Who.OUTSIDER;
        boolean seesSpace = who == Who.ADMIN || who == Who.ORG_MANAGER || who == Who.SPACE_MANAGER
                || who == Who.SPACE_DEVELOPER || who == Who.SPACE_AUDITOR;
        return switch (op) {
            case PUBLIC, ANY_USER -> DONE;
            case CLOUD_ADMIN -> who == Who.ADMIN ? DONE : 403;
            case SELF_OR_ADMIN -> who == Who.ADMIN || who == Who.SPACE_DEVELOPER ? DONE : 404;
            case ORG_READ -> inOrg ? DONE : 404;
            case ORG_MANAGE -> !inOrg ? 404 : who == Who.ADMIN || who == Who.ORG_MANAGER ? DONE : 403;
            case ORG_ADMIN -> !inOrg ? 404 : who == Who.ADMIN ? DONE : 403;
            case SPACE_READ -> seesSpace ? DONE : 404;
            case SPACE_SECRETS, SPACE_WRITE -> !seesSpace ? 404 : who == Who.ADMIN || who == Who.SPACE_DEVELOPER ? DONE : 403;
            case SPACE_MANAGE -> !seesSpace ? 404
                    : who == Who.ADMIN || who == Who.ORG_MANAGER || who == Who.SPACE_MANAGER ? DONE : 403;
            case SPACE_ADMIN -> !seesSpace ? 404 : who == Who.ADMIN || who == Who.ORG_MANAGER ? DONE : 403;
        };
    }

    /** An endpoint of the API: method, path template and declared rule. */
    record Endpoint(String method, String path, Op op) {
        String key() {
            return method + " " + path;
        }
    }

    /** A request to make for an endpoint; made fresh for each user, so deletes have something to delete. */
    interface Recipe {
        HttpRequest.Builder build() throws Exception;
    }

    @Test
    void everyEndpointDeclaresItsAccessRule() throws Exception {
        List<String> missing = new ArrayList<>();
        for (Class<?> resource : resources()) {
            for (Method m : resource.getMethods()) {
                if (httpMethod(m) != null && m.getAnnotation(Allow.class) == null) {
                    missing.add(resource.getSimpleName() + "." + m.getName());
                }
            }
        }
        assertTrue(missing.isEmpty(), "endpoints without an @Allow access rule: " + missing);
    }

    @Test
    void everyEndpointAnswersEveryKindOfUserAsItsRulePromises() throws Exception {
        Map<String, Recipe> recipes = recipes();
        List<String> wrong = new ArrayList<>();
        List<String> untested = new ArrayList<>();
        int checked = 0;
        for (Endpoint e : endpoints()) {
            if (e.op() == Op.PUBLIC) {
                continue; // no login at all: covered by the tests of those endpoints
            }
            Recipe recipe = recipes.get(e.key());
            if (recipe == null) {
                untested.add(e.key());
                continue;
            }
            for (Who who : Who.values()) {
                HttpRequest.Builder request = recipe.build().header("Authorization", "bearer " + TOKENS.get(who));
                Reply r = c.send(request);
                int want = expected(e.op(), who);
                boolean ok = want == DONE ? r.status() >= 200 && r.status() < 300 : r.status() == want;
                if (!ok) {
                    wrong.add(e.key() + " [" + e.op() + "] as " + who + ": expected " + (want == DONE ? "2xx" : want)
                            + ", got " + r.status() + " " + r.body().substring(0, Math.min(160, r.body().length())));
                }
                checked++;
                if (e.path().endsWith("/password")) {
                    TOKENS.put(Who.SPACE_DEVELOPER, c.login("space-developer", "space-developer password").json()
                            .get("access_token").asText());
                }
            }
        }
        assertTrue(untested.isEmpty(), "endpoints without a request in this test (add one to recipes()): " + untested);
        assertTrue(wrong.isEmpty(), wrong.size() + " of " + checked + " answers break the rules:\n"
                + String.join("\n", wrong));
    }

    @Test
    void listsShowOnlyWhatTheUserSees() throws Exception {
        String app = app("listed");
        String route = created(c.post("/v2/routes", "{\"host\":\"listed-" + suffix() + "\",\"space_guid\":\"" + spaceS + "\"}"));
        String instance = instance("listed");
        String binding = created(c.post("/v2/service_bindings", "{\"app_guid\":\"" + app
                + "\",\"service_instance_guid\":\"" + instance + "\"}"));
        Map<String, String> lists = new LinkedHashMap<>();
        lists.put("/v2/apps?results-per-page=100", app);
        lists.put("/v2/routes?results-per-page=100", route);
        lists.put("/v2/service_instances?results-per-page=100", instance);
        lists.put("/v2/service_bindings?results-per-page=100", binding);
        lists.put("/v2/spaces?results-per-page=100", spaceS);
        lists.put("/v2/events?q=actee:" + app, null);
        for (Who who : Who.values()) {
            boolean sees = expected(Op.SPACE_READ, who) == DONE;
            for (Map.Entry<String, String> list : lists.entrySet()) {
                JsonNode page = as(who, list.getKey()).json();
                boolean listed = list.getValue() == null ? page.get("total_results").asInt() > 0
                        : guids(page).contains(list.getValue());
                assertEquals(sees, listed, who + " " + list.getKey());
            }
            boolean seesOrg = expected(Op.ORG_READ, who) == DONE;
            assertEquals(seesOrg, guids(as(who, "/v2/organizations").json()).contains(orgA), who + " orgs");
            assertFalse(guids(as(who, "/v2/organizations").json()).contains(who == Who.ADMIN ? "none" : orgBFor(who)),
                    who + " sees only its own organizations");
        }
    }

    private static String orgBFor(Who who) {
        return who == Who.OUTSIDER ? orgA : orgB;
    }

    @Test
    void secretsAreHiddenFromAuditorsAndManagersButNotFromDevelopers() throws Exception {
        String app = created(c.post("/v2/apps", "{\"name\":\"secretive\",\"space_guid\":\"" + spaceS
                + "\",\"environment_json\":{\"API_KEY\":\"hunter2\"}}"));
        String instance = instance("secret-db");
        String binding = created(c.post("/v2/service_bindings", "{\"app_guid\":\"" + app
                + "\",\"service_instance_guid\":\"" + instance + "\"}"));
        for (Who who : List.of(Who.SPACE_AUDITOR, Who.SPACE_MANAGER, Who.ORG_MANAGER)) {
            assertEquals(403, as(who, "/v2/apps/" + app + "/env").status(), who.name());
            String shown = as(who, "/v2/apps/" + app).body() + as(who, "/v2/service_bindings/" + binding).body()
                    + as(who, "/v2/apps/" + app + "/service_bindings").body()
                    + as(who, "/v2/service_instances/" + instance + "/service_bindings").body()
                    + as(who, "/v2/apps?q=name:secretive").body() + as(who, "/v2/spaces/" + spaceS + "/apps").body()
                    + as(who, "/v2/events?q=actee:" + app).body();
            assertFalse(shown.contains("hunter2"), who + " must not see the app's environment: " + shown);
            assertFalse(shown.contains("/data/fs/"), who + " must not see credentials");
            assertTrue(shown.contains("[PRIVATE DATA HIDDEN]"), who + " is told what is hidden");
        }
        assertTrue(as(Who.SPACE_DEVELOPER, "/v2/apps/" + app + "/env").body().contains("hunter2"));
        assertTrue(as(Who.SPACE_DEVELOPER, "/v2/service_bindings/" + binding).body().contains("/data/fs/"));
    }

    @Test
    void aSpaceRoleNeedsTheOrganizationFirstAndLeavingTheOrganizationEndsIt() throws Exception {
        String stranger = c.users.add("stranger", "stranger's password", false).guid();
        Reply refused = c.put("/v2/spaces/" + spaceS + "/developers/" + stranger, "");
        assertEquals(400, refused.status());
        assertEquals("CF-InvalidRelation", refused.json().get("error_code").asText());
        role("/v2/organizations/" + orgA + "/users/" + stranger);
        role("/v2/spaces/" + spaceS + "/developers/" + stranger);
        String token = c.login("stranger", "stranger's password").json().get("access_token").asText();
        assertEquals(200, c.send(HttpRequest.newBuilder(URI.create(c.url + "/v2/spaces/" + spaceS))
                .header("Authorization", "bearer " + token)).status());
        assertEquals(204, c.delete("/v2/organizations/" + orgA + "/users/" + stranger).status());
        assertEquals(404, c.send(HttpRequest.newBuilder(URI.create(c.url + "/v2/spaces/" + spaceS))
                .header("Authorization", "bearer " + token)).status(), "leaving the organization leaves its spaces");
        JsonNode events = c.get("/v2/events?q=actee:" + stranger + "&order-direction=asc").json();
        List<String> types = new ArrayList<>();
        events.get("resources").forEach(e -> types.add(e.at("/entity/type").asText()));
        assertEquals(List.of("audit.user.organization_user_add", "audit.user.space_developer_add",
                "audit.user.organization_user_remove"), types.subList(0, 3));
        assertEquals(ControllerFixture.USER, events.at("/resources/0/entity/actor_name").asText());
    }

    // --- the requests

    private Map<String, Recipe> recipes() {
        Map<String, Recipe> r = new LinkedHashMap<>();
        String u = GUIDS.get(Who.SPACE_DEVELOPER);
        // organizations
        r.put("GET /v2/organizations", () -> get("/v2/organizations"));
        r.put("POST /v2/organizations", () -> post("/v2/organizations", "{\"name\":\"o-" + suffix() + "\"}"));
        r.put("GET /v2/organizations/{guid}", () -> get("/v2/organizations/" + orgA));
        r.put("PUT /v2/organizations/{guid}", () -> put("/v2/organizations/" + orgA, "{\"name\":\"org-a\"}"));
        r.put("DELETE /v2/organizations/{guid}", () -> delete("/v2/organizations/" + freshOrg(orgA) + "?recursive=true"));
        r.put("GET /v2/organizations/{guid}/spaces", () -> get("/v2/organizations/" + orgA + "/spaces"));
        r.put("GET /v2/organizations/{guid}/summary", () -> get("/v2/organizations/" + orgA + "/summary"));
        r.put("GET /v2/organizations/{guid}/{role}", () -> get("/v2/organizations/" + orgA + "/managers"));
        r.put("PUT /v2/organizations/{guid}/{role}/{user}", () -> put("/v2/organizations/" + orgA + "/auditors/" + extraUser, ""));
        r.put("PUT /v2/organizations/{guid}/{role}", () -> put("/v2/organizations/" + orgA + "/auditors", "{\"username\":\"extra\"}"));
        r.put("DELETE /v2/organizations/{guid}/{role}/{user}", () -> delete("/v2/organizations/" + orgA + "/billing_managers/" + extraUser));
        r.put("DELETE /v2/organizations/{guid}/{role}", () -> send("DELETE", "/v2/organizations/" + orgA + "/billing_managers",
                "{\"username\":\"extra\"}"));
        r.put("POST /v2/organizations/{guid}/{role}/remove", () -> post("/v2/organizations/" + orgA + "/billing_managers/remove", "{\"username\":\"extra\"}"));
        // spaces
        r.put("GET /v2/spaces", () -> get("/v2/spaces"));
        r.put("POST /v2/spaces", () -> post("/v2/spaces", "{\"name\":\"s-" + suffix() + "\",\"organization_guid\":\"" + orgA + "\"}"));
        r.put("GET /v2/spaces/{guid}", () -> get("/v2/spaces/" + spaceS));
        r.put("PUT /v2/spaces/{guid}", () -> put("/v2/spaces/" + spaceS, "{\"name\":\"s\"}"));
        r.put("DELETE /v2/spaces/{guid}", () -> delete("/v2/spaces/" + freshSpace() + "?recursive=true"));
        r.put("GET /v2/spaces/{guid}/apps", () -> get("/v2/spaces/" + spaceS + "/apps"));
        r.put("GET /v2/spaces/{guid}/routes", () -> get("/v2/spaces/" + spaceS + "/routes"));
        r.put("GET /v2/spaces/{guid}/service_instances", () -> get("/v2/spaces/" + spaceS + "/service_instances"));
        r.put("GET /v2/spaces/{guid}/summary", () -> get("/v2/spaces/" + spaceS + "/summary"));
        r.put("GET /v2/spaces/{guid}/{role}", () -> get("/v2/spaces/" + spaceS + "/developers"));
        r.put("PUT /v2/spaces/{guid}/{role}/{user}", () -> put("/v2/spaces/" + spaceS + "/auditors/" + extraUser, ""));
        r.put("PUT /v2/spaces/{guid}/{role}", () -> put("/v2/spaces/" + spaceS + "/auditors", "{\"username\":\"extra\"}"));
        r.put("DELETE /v2/spaces/{guid}/{role}/{user}", () -> delete("/v2/spaces/" + spaceS + "/managers/" + extraUser));
        r.put("DELETE /v2/spaces/{guid}/{role}", () -> send("DELETE", "/v2/spaces/" + spaceS + "/managers",
                "{\"username\":\"extra\"}"));
        r.put("POST /v2/spaces/{guid}/{role}/remove", () -> post("/v2/spaces/" + spaceS + "/managers/remove", "{\"username\":\"extra\"}"));
        // quotas
        r.put("GET /v2/quota_definitions", () -> get("/v2/quota_definitions"));
        r.put("GET /v2/quota_definitions/{guid}", () -> get("/v2/quota_definitions/" + ControllerSchema.DEFAULT_QUOTA_GUID));
        r.put("POST /v2/quota_definitions", () -> post("/v2/quota_definitions", quota("q-" + suffix(), null)));
        r.put("PUT /v2/quota_definitions/{guid}", () -> put("/v2/quota_definitions/" + freshQuota(), "{\"total_routes\":5}"));
        r.put("DELETE /v2/quota_definitions/{guid}", () -> delete("/v2/quota_definitions/" + freshQuota()));
        r.put("GET /v2/space_quota_definitions", () -> get("/v2/space_quota_definitions"));
        r.put("POST /v2/space_quota_definitions", () -> post("/v2/space_quota_definitions", quota("sq-" + suffix(), orgA)));
        r.put("GET /v2/space_quota_definitions/{guid}", () -> get("/v2/space_quota_definitions/" + freshSpaceQuota()));
        r.put("PUT /v2/space_quota_definitions/{guid}", () -> put("/v2/space_quota_definitions/" + freshSpaceQuota(), "{\"total_routes\":5}"));
        r.put("DELETE /v2/space_quota_definitions/{guid}", () -> delete("/v2/space_quota_definitions/" + freshSpaceQuota()));
        r.put("GET /v2/space_quota_definitions/{guid}/spaces", () -> get("/v2/space_quota_definitions/" + freshSpaceQuota() + "/spaces"));
        r.put("PUT /v2/space_quota_definitions/{guid}/spaces/{space}", () -> put("/v2/space_quota_definitions/" + freshSpaceQuota() + "/spaces/" + freshSpace(), ""));
        r.put("DELETE /v2/space_quota_definitions/{guid}/spaces/{space}", () -> delete("/v2/space_quota_definitions/" + freshSpaceQuota() + "/spaces/" + spaceS));
        // users
        r.put("GET /v2/users", () -> get("/v2/users"));
        r.put("POST /v2/users", () -> post("/v2/users", "{\"guid\":\"" + u + "\"}"));
        r.put("GET /v2/users/{guid}", () -> get("/v2/users/" + u));
        r.put("DELETE /v2/users/{guid}", () -> delete("/v2/users/" + c.users.add("doomed-" + suffix(), "a long password", false).guid()));
        r.put("GET /v2/users/{guid}/summary", () -> get("/v2/users/" + u + "/summary"));
        r.put("GET /v2/users/{guid}/organizations", () -> get("/v2/users/" + u + "/organizations"));
        r.put("GET /v2/users/{guid}/spaces", () -> get("/v2/users/" + u + "/spaces"));
        // apps
        r.put("GET /v2/apps", () -> get("/v2/apps"));
        r.put("POST /v2/apps", () -> post("/v2/apps", "{\"name\":\"a-" + suffix() + "\",\"space_guid\":\"" + spaceS + "\"}"));
        r.put("GET /v2/apps/{guid}", () -> get("/v2/apps/" + app("get")));
        r.put("PUT /v2/apps/{guid}", () -> put("/v2/apps/" + app("put"), "{\"memory\":128}"));
        r.put("DELETE /v2/apps/{guid}", () -> delete("/v2/apps/" + app("doomed")));
        r.put("GET /v2/apps/{guid}/instances", () -> get("/v2/apps/" + stagedApp() + "/instances"));
        r.put("GET /v2/apps/{guid}/stats", () -> get("/v2/apps/" + runningApp() + "/stats"));
        r.put("GET /v2/apps/{guid}/env", () -> get("/v2/apps/" + app("env") + "/env"));
        r.put("PUT /v2/apps/{guid}/bits", () -> bits(app("bits")));
        r.put("GET /v2/apps/{guid}/logs", () -> get("/v2/apps/" + app("logs") + "/logs"));
        r.put("GET /v2/apps/{guid}/staging_log", () -> get("/v2/apps/" + startedApp() + "/staging_log"));
        r.put("GET /v2/apps/{guid}/routes", () -> get("/v2/apps/" + app("routes") + "/routes"));
        r.put("PUT /v2/apps/{guid}/routes/{route}", () -> put("/v2/apps/" + app("map") + "/routes/" + route(), ""));
        r.put("DELETE /v2/apps/{guid}/routes/{route}", () -> delete("/v2/apps/" + app("unmap") + "/routes/" + route()));
        r.put("GET /v2/apps/{guid}/service_bindings", () -> get("/v2/apps/" + app("bindings") + "/service_bindings"));
        r.put("GET /v2/apps/{guid}/events", () -> get("/v2/apps/" + app("events") + "/events"));
        // routes, domains
        r.put("GET /v2/routes", () -> get("/v2/routes"));
        r.put("POST /v2/routes", () -> post("/v2/routes", "{\"host\":\"h-" + suffix() + "\",\"space_guid\":\"" + spaceS + "\"}"));
        r.put("GET /v2/routes/{guid}", () -> get("/v2/routes/" + route()));
        r.put("DELETE /v2/routes/{guid}", () -> delete("/v2/routes/" + route()));
        r.put("GET /v2/shared_domains", () -> get("/v2/shared_domains"));
        r.put("GET /v2/cluster", () -> get("/v2/cluster"));
        r.put("GET /v2/shared_domains/{guid}", () -> get("/v2/shared_domains/" + c.get("/v2/shared_domains").json()
                .at("/resources/0/metadata/guid").asText()));
        // services
        r.put("GET /v2/services", () -> get("/v2/services"));
        r.put("GET /v2/services/{guid}", () -> get("/v2/services/" + ServiceCatalog.serviceGuid("filesystem")));
        r.put("GET /v2/services/{guid}/service_plans", () -> get("/v2/services/" + ServiceCatalog.serviceGuid("filesystem") + "/service_plans"));
        r.put("GET /v2/service_plans", () -> get("/v2/service_plans"));
        r.put("GET /v2/service_plans/{guid}", () -> get("/v2/service_plans/" + plan()));
        r.put("GET /v2/service_instances", () -> get("/v2/service_instances"));
        r.put("POST /v2/service_instances", () -> post("/v2/service_instances", "{\"name\":\"i-" + suffix()
                + "\",\"space_guid\":\"" + spaceS + "\",\"service_plan_guid\":\"" + plan() + "\"}"));
        r.put("GET /v2/service_instances/{guid}", () -> get("/v2/service_instances/" + instance("get")));
        r.put("GET /v2/service_instances/{guid}/service_bindings", () -> get("/v2/service_instances/" + instance("list") + "/service_bindings"));
        r.put("DELETE /v2/service_instances/{guid}", () -> delete("/v2/service_instances/" + instance("doomed")));
        r.put("GET /v2/service_bindings", () -> get("/v2/service_bindings"));
        r.put("POST /v2/service_bindings", () -> post("/v2/service_bindings", "{\"app_guid\":\"" + app("bind")
                + "\",\"service_instance_guid\":\"" + instance("bind") + "\"}"));
        r.put("GET /v2/service_bindings/{guid}", () -> get("/v2/service_bindings/" + binding()));
        r.put("DELETE /v2/service_bindings/{guid}", () -> delete("/v2/service_bindings/" + binding()));
        // users, UAA-shaped (the self case changes the password to the same one; the token is renewed after)
        r.put("GET /Users", () -> get("/Users"));
        r.put("POST /Users", () -> post("/Users", "{\"userName\":\"scim-" + suffix() + "\",\"password\":\"a long password\"}"));
        r.put("GET /Users/{id}", () -> get("/Users/" + u));
        r.put("DELETE /Users/{id}", () -> delete("/Users/" + c.users.add("gone-" + suffix(), "a long password", false).guid()));
        r.put("PUT /Users/{id}/password", () -> put("/Users/" + u + "/password",
                "{\"oldPassword\":\"space-developer password\",\"password\":\"space-developer password\"}"));
        // what Cloud Foundry clients look up: v3 names, summaries, stacks, jobs, resource matching
        r.put("GET /v3/organizations", () -> get("/v3/organizations?names=org-a"));
        r.put("GET /v3/organizations/{guid}", () -> get("/v3/organizations/" + orgA));
        r.put("GET /v3/organizations/{guid}/domains", () -> get("/v3/organizations/" + orgA + "/domains"));
        r.put("GET /v3/spaces", () -> get("/v3/spaces?names=s&organization_guids=" + orgA));
        r.put("GET /v3/spaces/{guid}", () -> get("/v3/spaces/" + spaceS));
        r.put("GET /v3/apps", () -> get("/v3/apps?space_guids=" + spaceS));
        r.put("GET /v3/apps/{guid}", () -> get("/v3/apps/" + app("v3")));
        r.put("GET /v3/apps/{guid}/env", () -> get("/v3/apps/" + app("v3env") + "/env"));
        r.put("GET /v3/domains/{guid}/route_reservations", () -> get("/v3/domains/" + c.get("/v2/shared_domains").json()
                .at("/resources/0/metadata/guid").asText() + "/route_reservations?host=nothing"));
        r.put("DELETE /v3/routes/{guid}", () -> delete("/v3/routes/" + route()));
        r.put("GET /v3/jobs/{guid}", () -> get("/v3/jobs/" + job()));
        r.put("GET /v2/jobs/{guid}", () -> get("/v2/jobs/" + job()));
        r.put("GET /apps/{guid}/recentlogs", () -> get("/apps/" + app("recent") + "/recentlogs"));
        r.put("GET /v2/apps/{guid}/summary", () -> get("/v2/apps/" + app("summary") + "/summary"));
        r.put("POST /v2/apps/{guid}/restage", () -> post("/v2/apps/" + uploadedApp() + "/restage", ""));
        r.put("DELETE /v2/apps/{guid}/instances/{index}", () -> delete("/v2/apps/" + app("instance") + "/instances/0"));
        r.put("PUT /v2/resource_match", () -> put("/v2/resource_match", "[{\"sha1\":\"" + "0".repeat(40)
                + "\",\"size\":70000}]"));
        r.put("GET /v2/stacks", () -> get("/v2/stacks"));
        r.put("GET /v2/config/feature_flags", () -> get("/v2/config/feature_flags"));
        r.put("GET /v2/config/feature_flags/{name}", () -> get("/v2/config/feature_flags/set_roles_by_username"));
        r.put("GET /v2/stacks/{guid}", () -> get("/v2/stacks/" + c.get("/v2/stacks").json()
                .at("/resources/0/metadata/guid").asText()));
        r.put("GET /v2/private_domains", () -> get("/v2/private_domains"));
        r.put("POST /v2/private_domains", () -> post("/v2/private_domains", "{\"name\":\"p-" + suffix()
                + ".org-a.test\",\"owning_organization_guid\":\"" + orgA + "\"}"));
        r.put("GET /v2/private_domains/{guid}", () -> get("/v2/private_domains/" + privateDomain()));
        r.put("DELETE /v2/private_domains/{guid}", () -> delete("/v2/private_domains/" + privateDomain()));
        r.put("POST /v2/shared_domains", () -> post("/v2/shared_domains", "{\"name\":\"s-" + suffix() + ".shared.test\"}"));
        r.put("DELETE /v2/shared_domains/{guid}", () -> delete("/v2/shared_domains/" + created(c.post("/v2/shared_domains",
                "{\"name\":\"d-" + suffix() + ".shared.test\"}"))));
        r.put("GET /v2/domains/{guid}", () -> get("/v2/domains/" + c.get("/v2/shared_domains").json()
                .at("/resources/0/metadata/guid").asText()));
        r.put("GET /v2/organizations/{guid}/space_quota_definitions", () -> get("/v2/organizations/" + orgA
                + "/space_quota_definitions"));
        r.put("GET /v2/organizations/{guid}/private_domains", () -> get("/v2/organizations/" + orgA + "/private_domains"));
        r.put("GET /v2/spaces/{guid}/services", () -> get("/v2/spaces/" + spaceS + "/services"));
        r.put("GET /v2/spaces/{guid}/security_groups", () -> get("/v2/spaces/" + spaceS + "/security_groups"));
        r.put("GET /v2/routes/{guid}/apps", () -> get("/v2/routes/" + route() + "/apps"));
        // events
        r.put("GET /v2/events", () -> get("/v2/events"));
        r.put("GET /v2/events/{guid}", () -> get("/v2/events/" + c.get("/v2/events?q=actee:" + app("event")).json()
                .at("/resources/0/metadata/guid").asText()));
        return r;
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static String app(String name) throws Exception {
        return created(c.post("/v2/apps", "{\"name\":\"" + name + "-" + suffix() + "\",\"space_guid\":\"" + spaceS + "\"}"));
    }

    /** An app with a droplet, as if staged: it has instances to show (none while stopped). */
    private static String stagedApp() throws Exception {
        String app = app("staged");
        new Sql(c.database.dataSource()).update("UPDATE ctl_apps SET droplet_hash = 'd' WHERE guid = ?", app);
        return app;
    }

    /** A started app with a droplet, as if staged: it has stats to show. */
    private static String runningApp() throws Exception {
        String app = stagedApp();
        new Sql(c.database.dataSource()).update("UPDATE ctl_apps SET state = 'STARTED' WHERE guid = ?", app);
        return app;
    }

    /** An app with a staging task, so it has a staging log to show. */
    private static String startedApp() throws Exception {
        String app = app("started");
        assertEquals(201, c.uploadBits(app, Zips.zip(Map.of("index.html", "hi"))).status());
        assertEquals(201, c.put("/v2/apps/" + app, "{\"state\":\"STARTED\"}").status());
        return app;
    }

    /** An app with bits, which can be staged again. */
    private static String uploadedApp() throws Exception {
        String app = app("uploaded");
        assertEquals(201, c.uploadBits(app, Zips.zip(Map.of("index.html", "hi"))).status());
        return app;
    }

    /** A job of space S: a route deleted asynchronously. */
    private static String job() throws Exception {
        Reply r = c.delete("/v2/routes/" + route() + "?async=true");
        assertEquals(202, r.status(), r.body());
        return r.json().at("/metadata/guid").asText();
    }

    private static String route() throws Exception {
        return created(c.post("/v2/routes", "{\"host\":\"r-" + suffix() + "\",\"space_guid\":\"" + spaceS + "\"}"));
    }

    /** A private domain of organization A. */
    private static String privateDomain() throws Exception {
        return created(c.post("/v2/private_domains", "{\"name\":\"pd-" + suffix() + ".org-a.test\",\"owning_organization_guid\":\""
                + orgA + "\"}"));
    }

    /** The filesystem service's "free" plan. */
    private static String plan() throws Exception {
        for (JsonNode p : c.get("/v2/service_plans?q=service_guid:" + ServiceCatalog.serviceGuid("filesystem")).json()
                .get("resources")) {
            if (p.at("/entity/name").asText().equals("free")) {
                return p.at("/metadata/guid").asText();
            }
        }
        throw new AssertionError("no free filesystem plan");
    }

    private static String instance(String name) throws Exception {
        return created(c.post("/v2/service_instances", "{\"name\":\"" + name + "-" + suffix() + "\",\"space_guid\":\""
                + spaceS + "\",\"service_plan_guid\":\"" + plan() + "\"}"));
    }

    private static String binding() throws Exception {
        return created(c.post("/v2/service_bindings", "{\"app_guid\":\"" + app("bound")
                + "\",\"service_instance_guid\":\"" + instance("bound") + "\"}"));
    }

    /** A new organization whose members (as organization A's) match the table: deleting it destroys nothing shared. */
    private static String freshOrg(String like) throws Exception {
        String org = created(c.post("/v2/organizations", "{\"name\":\"fresh-" + suffix() + "\"}"));
        for (Who who : Who.values()) {
            if (who != Who.ADMIN && who != Who.OUTSIDER) {
                role("/v2/organizations/" + org + "/users/" + GUIDS.get(who));
            }
        }
        role("/v2/organizations/" + org + "/managers/" + GUIDS.get(Who.ORG_MANAGER));
        role("/v2/organizations/" + org + "/auditors/" + GUIDS.get(Who.ORG_AUDITOR));
        assertTrue(like.equals(orgA));
        return org;
    }

    /** A new space of organization A with the same space roles as S. */
    private static String freshSpace() throws Exception {
        String space = created(c.post("/v2/spaces", "{\"name\":\"fresh-" + suffix() + "\",\"organization_guid\":\"" + orgA + "\"}"));
        role("/v2/spaces/" + space + "/managers/" + GUIDS.get(Who.SPACE_MANAGER));
        role("/v2/spaces/" + space + "/developers/" + GUIDS.get(Who.SPACE_DEVELOPER));
        role("/v2/spaces/" + space + "/auditors/" + GUIDS.get(Who.SPACE_AUDITOR));
        return space;
    }

    private static String freshQuota() throws Exception {
        return created(c.post("/v2/quota_definitions", quota("q-" + suffix(), null)));
    }

    private static String freshSpaceQuota() throws Exception {
        return created(c.post("/v2/space_quota_definitions", quota("sq-" + suffix(), orgA)));
    }

    private static String quota(String name, String org) {
        return "{\"name\":\"" + name + "\",\"non_basic_services_allowed\":true,\"total_services\":10,"
                + "\"total_routes\":10,\"memory_limit\":2048" + (org == null ? "" : ",\"organization_guid\":\"" + org + "\"")
                + "}";
    }

    private static HttpRequest.Builder bits(String app) throws IOException {
        byte[] zip = Zips.zip(Map.of("index.html", "hi"));
        String boundary = "b-" + suffix();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"resources\"\r\n\r\n[]\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"application\"; filename=\"a.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n";
        byte[] body = concat(head.getBytes(), zip, ("\r\n--" + boundary + "--\r\n").getBytes());
        return HttpRequest.newBuilder(URI.create(c.url + "/v2/apps/" + app + "/bits"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(c.url + path)).GET();
    }

    private static HttpRequest.Builder delete(String path) {
        return HttpRequest.newBuilder(URI.create(c.url + path)).DELETE();
    }

    private static HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(URI.create(c.url + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private static HttpRequest.Builder send(String method, String path, String json) {
        return HttpRequest.newBuilder(URI.create(c.url + path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
    }

    private static HttpRequest.Builder put(String path, String json) {
        return HttpRequest.newBuilder(URI.create(c.url + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json));
    }

    private static Reply as(Who who, String path) throws Exception {
        return c.send(get(path).header("Authorization", "bearer " + TOKENS.get(who)));
    }

    private static java.util.Set<String> guids(JsonNode page) {
        java.util.Set<String> out = new TreeSet<>();
        page.path("resources").forEach(r -> out.add(r.at("/metadata/guid").asText()));
        return out;
    }

    // --- the endpoints, from the compiled resource classes

    /** Every class of the API's resource package with a {@code @Path}, nested ones included. */
    static List<Class<?>> resources() throws Exception {
        Path dir = Path.of("target", "classes", "io", "strato", "role", "controller", "rest");
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String name = f.getFileName().toString().replace(".class", "");
                Class<?> type = Class.forName("io.strato.role.controller.rest." + name);
                if (type.isAnnotationPresent(javax.ws.rs.Path.class)) {
                    out.add(type);
                }
            }
        }
        assertTrue(out.size() > 15, "the resource classes are found: " + out);
        return out;
    }

    static List<Endpoint> endpoints() throws Exception {
        List<Endpoint> out = new ArrayList<>();
        for (Class<?> resource : resources()) {
            String base = resource.getAnnotation(javax.ws.rs.Path.class).value();
            for (Method m : resource.getMethods()) {
                String http = httpMethod(m);
                if (http == null) {
                    continue;
                }
                javax.ws.rs.Path sub = m.getAnnotation(javax.ws.rs.Path.class);
                String path = (base + (sub == null ? "" : "/" + sub.value())).replaceAll("//+", "/")
                        .replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}");
                Allow allow = m.getAnnotation(Allow.class);
                if (allow == null) {
                    fail("no access rule on " + resource.getSimpleName() + "." + m.getName());
                }
                out.add(new Endpoint(http, path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1)
                        : path, allow.value()));
            }
        }
        return out;
    }

    private static String httpMethod(Method m) {
        if (m.isAnnotationPresent(GET.class)) {
            return "GET";
        }
        if (m.isAnnotationPresent(POST.class)) {
            return "POST";
        }
        if (m.isAnnotationPresent(PUT.class)) {
            return "PUT";
        }
        return m.isAnnotationPresent(DELETE.class) ? "DELETE" : null;
    }
}
