package io.strato.role.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.json.Json;
import io.strato.api.sandbox.UidRange;
import io.strato.role.controller.ControllerFixture.Reply;
import io.strato.role.controller.blob.UploadLimits;
import io.strato.role.controller.users.UserAccount;
import io.strato.role.controller.users.UserAccounts;
import io.strato.testkit.TestCluster;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sessions and credentials over HTTP: tokens that end with their user or its password, refresh tokens, login
 * throttling and UAA's SCIM user endpoints. A second controller shares the first one's database, as the
 * controllers of a cluster may; it counts how many logins reach the password check.
 */
class SessionsApiTest {

    static ControllerFixture c;
    static Second d;

    /** A second controller on the fixture's database, whose users count password checks. */
    static final class Second implements AutoCloseable {
        final AtomicInteger passwordChecks = new AtomicInteger();
        final CloudController controller;
        final String url;
        final LocalSharedState shared = new LocalSharedState();
        final Bus bus;

        Second(ControllerFixture fixture) throws Exception {
            UserAccounts counting = new CountingUsers(fixture.users, passwordChecks);
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            url = "http://127.0.0.1:" + port;
            ControllerSettings settings = new ControllerSettings(new UploadLimits(4L * 1024 * 1024, 100, 40L * 1024 * 1024),
                    Duration.ofMinutes(10), fixture.dir.resolve("blobs-2"), url, port, "test",
                    ControllerSettings.DEFAULT_MAX_INSTANCES, UidRange.DEFAULT);
            controller = new CloudController(fixture.database, shared, new TestCluster(), ControllerFixture.CLUSTER_SECRET,
                    counting, settings);
            bus = BusFactory.newInstance().createBus();
            controller.start(bus, url + "/");
        }

        @Override
        public void close() {
            controller.close();
            bus.shutdown(true);
            shared.close();
        }
    }

    record CountingUsers(UserAccounts users, AtomicInteger checks) implements UserAccounts {
        @Override
        public UserAccount add(String name, String password, boolean admin) {
            return users.add(name, password, admin);
        }

        @Override
        public void delete(String name) {
            users.delete(name);
        }

        @Override
        public void changePassword(String name, String password) {
            users.changePassword(name, password);
        }

        @Override
        public List<UserAccount> list() {
            return users.list();
        }

        @Override
        public Optional<UserAccount> find(String name) {
            return users.find(name);
        }

        @Override
        public Optional<UserAccount> findByGuid(String guid) {
            return users.findByGuid(guid);
        }

        @Override
        public Optional<UserAccount> authenticate(String name, String password) {
            checks.incrementAndGet();
            return users.authenticate(name, password);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        c = new ControllerFixture();
        d = new Second(c);
    }

    @AfterAll
    static void stop() {
        if (d != null) {
            d.close();
        }
        c.close();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Reply tokenRequest(String base, String form) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(base + "/oauth/token")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic Y2Y6")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private static Reply login(String base, String user, String password) throws Exception {
        return tokenRequest(base, "grant_type=password&username=" + enc(user) + "&password=" + enc(password));
    }

    private static Reply refresh(String base, String refreshToken) throws Exception {
        return tokenRequest(base, "grant_type=refresh_token&refresh_token=" + enc(refreshToken));
    }

    private static Reply as(String base, String token, String method, String path, String json) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            r.header("Authorization", "bearer " + token);
        }
        if (json != null) {
            r.header("Content-Type", "application/json");
        }
        r.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return c.send(r);
    }

    private static String accessToken(String base, String user, String password) throws Exception {
        Reply r = login(base, user, password);
        assertEquals(200, r.status(), r.body());
        return r.json().get("access_token").asText();
    }

    private static void assertInvalidToken(Reply r) {
        assertEquals(401, r.status(), r.body());
        assertEquals("CF-InvalidAuthToken", r.json().get("error_code").asText(), r.body());
    }

    private static void assertUaaError(Reply r, int status, String error) {
        assertEquals(status, r.status(), r.body());
        assertEquals(error, r.json().get("error").asText(), r.body());
        assertTrue(r.json().hasNonNull("error_description"), r.body());
    }

    private static String guidOf(String name) {
        return c.users.find(name).orElseThrow().guid();
    }

    @Test
    void aDeletedUsersTokenStaysDeadWhenAUserOfTheSameNameIsAdded() throws Exception {
        c.users.add("dave", "dave's password", true);
        String old = accessToken(c.url, "dave", "dave's password");
        assertEquals(200, as(c.url, old, "GET", "/v2/apps", null).status());
        c.users.delete("dave");
        c.users.add("dave", "dave's password", true);
        assertInvalidToken(as(c.url, old, "GET", "/v2/apps", null));
        assertInvalidToken(as(d.url, old, "GET", "/v2/apps", null));
        assertEquals(200, as(c.url, accessToken(c.url, "dave", "dave's password"), "GET", "/v2/apps", null).status());
    }

    @Test
    void aPasswordChangeEndsAccessAndRefreshTokensOnEveryController() throws Exception {
        c.users.add("erin", "erin's password", false);
        Reply login = login(c.url, "erin", "erin's password");
        String access = login.json().get("access_token").asText();
        String refresh = login.json().get("refresh_token").asText();
        assertEquals(200, as(d.url, access, "GET", "/v2/apps", null).status(), "the other controller accepts it");
        Reply changed = as(d.url, access, "PUT", "/Users/" + guidOf("erin") + "/password",
                "{\"oldPassword\":\"erin's password\",\"password\":\"erin's new password\"}");
        assertEquals(200, changed.status(), changed.body());
        assertInvalidToken(as(c.url, access, "GET", "/v2/apps", null));
        assertInvalidToken(as(d.url, access, "GET", "/v2/apps", null));
        assertUaaError(refresh(c.url, refresh), 401, "invalid_token");
        assertUaaError(login(c.url, "erin", "erin's password"), 401, "unauthorized");
        assertEquals(200, as(c.url, accessToken(c.url, "erin", "erin's new password"), "GET", "/v2/apps", null).status());
    }

    @Test
    void aDeletedUsersRefreshTokenIsRefused() throws Exception {
        c.users.add("faye", "faye's password", false);
        String refresh = login(c.url, "faye", "faye's password").json().get("refresh_token").asText();
        c.users.delete("faye");
        c.users.add("faye", "faye's password", false);
        assertUaaError(refresh(c.url, refresh), 401, "invalid_token");
    }

    @Test
    void theRefreshGrantIssuesNewTokensAndTheKindsDoNotMix() throws Exception {
        Reply login = login(c.url, ControllerFixture.USER, ControllerFixture.PASSWORD);
        assertEquals(200, login.status(), login.body());
        String access = login.json().get("access_token").asText();
        String refresh = login.json().get("refresh_token").asText();
        assertNotNull(refresh);
        assertTrue(login.json().get("scope").asText().contains("cloud_controller.admin"), login.body());

        Reply refreshed = refresh(d.url, refresh);
        assertEquals(200, refreshed.status(), refreshed.body());
        String newAccess = refreshed.json().get("access_token").asText();
        assertNotEquals(access, newAccess);
        assertEquals("bearer", refreshed.json().get("token_type").asText());
        assertNotNull(refreshed.json().get("refresh_token").asText());
        assertEquals(200, as(c.url, newAccess, "GET", "/v2/apps", null).status());

        assertInvalidToken(as(c.url, refresh, "GET", "/v2/apps", null));
        assertUaaError(refresh(c.url, access), 401, "invalid_token");
        assertUaaError(refresh(c.url, "garbage"), 401, "invalid_token");
        assertUaaError(refresh(c.url, ""), 401, "invalid_token");
        assertUaaError(tokenRequest(c.url, "grant_type=client_credentials"), 400, "unsupported_grant_type");
    }

    @Test
    void repeatedWrongPasswordsLockOutThatUserOnlyAndCostNoHashesOnceLocked() throws Exception {
        c.users.add("gina", "gina's password", false);
        int before = d.passwordChecks.get();
        long start = System.nanoTime();
        Reply last = null;
        int refused = 0;
        for (int i = 0; i < 1000; i++) {
            last = login(d.url, "gina", "guess " + i);
            if (last.status() == 429) {
                refused++;
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        int hashed = d.passwordChecks.get() - before;
        System.out.printf("1000 wrong passwords for one user: %d ms, %d reached the password hash, %d answered 429%n",
                millis, hashed, refused);
        assertTrue(hashed <= 6, "password checks: " + hashed);
        assertEquals(429, last.status(), last.body());
        assertEquals("too_many_requests", last.json().get("error").asText());
        assertTrue(Long.parseLong(last.header("Retry-After")) > 0);

        int checks = d.passwordChecks.get();
        assertEquals(429, login(d.url, "gina", "gina's password").status(), "locked out, even with the right password");
        assertEquals(checks, d.passwordChecks.get(), "no hash while locked out");
        assertEquals(200, login(d.url, ControllerFixture.USER, ControllerFixture.PASSWORD).status(),
                "another user logs in from the same address");
        assertEquals(200, login(c.url, "gina", "gina's password").status(), "each controller throttles on its own");
    }

    @Test
    void nonAdminsGet403OnScimAndDoNotEvenSeeAnotherUsersPassword() throws Exception {
        c.users.add("hank", "hank's password", false);
        String hank = accessToken(c.url, "hank", "hank's password");
        assertUaaError(as(c.url, hank, "POST", "/Users", "{\"userName\":\"x1\",\"password\":\"password-1\"}"), 403,
                "access_denied");
        assertUaaError(as(c.url, hank, "GET", "/Users", null), 403, "access_denied");
        assertUaaError(as(c.url, hank, "GET", "/Users/" + guidOf("alice"), null), 403, "access_denied");
        assertUaaError(as(c.url, hank, "DELETE", "/Users/" + guidOf("alice"), null), 403, "access_denied");
        assertUaaError(as(c.url, hank, "PUT", "/Users/" + guidOf("alice") + "/password",
                "{\"oldPassword\":\"" + ControllerFixture.PASSWORD + "\",\"password\":\"taken over!\"}"), 404,
                "scim_resource_not_found");
        assertEquals(200, login(c.url, ControllerFixture.USER, ControllerFixture.PASSWORD).status());
        assertEquals(401, as(c.url, null, "GET", "/Users", null).status());
        assertEquals(401, as(c.url, null, "POST", "/Users", "{\"userName\":\"x2\",\"password\":\"password-2\"}").status());
        assertTrue(c.users.find("x1").isEmpty() && c.users.find("x2").isEmpty());
    }

    @Test
    void ownPasswordNeedsTheOldOneAndAnAdminSetsAnyonesWithout() throws Exception {
        c.users.add("ida", "ida's password", false);
        String ida = accessToken(c.url, "ida", "ida's password");
        String path = "/Users/" + guidOf("ida") + "/password";
        assertUaaError(as(c.url, ida, "PUT", path, "{\"oldPassword\":\"wrong one\",\"password\":\"ida's new one\"}"), 401,
                "unauthorized");
        assertUaaError(as(c.url, ida, "PUT", path, "{\"password\":\"ida's new one\"}"), 401, "unauthorized");
        assertUaaError(as(c.url, ida, "PUT", path, "{\"oldPassword\":\"ida's password\",\"password\":\"short\"}"), 400,
                "invalid_password");
        assertEquals(200, as(c.url, ida, "GET", "/v2/apps", null).status(), "nothing changed so far");
        Reply set = as(c.url, c.token(), "PUT", path, "{\"password\":\"set by the admin\"}");
        assertEquals(200, set.status(), set.body());
        assertInvalidToken(as(c.url, ida, "GET", "/v2/apps", null));
        assertEquals(200, login(c.url, "ida", "set by the admin").status());
        assertUaaError(as(c.url, c.token(), "PUT", "/Users/no-such-guid/password", "{\"password\":\"whatever-1\"}"), 404,
                "scim_resource_not_found");
    }

    @Test
    void scimUsersAreCreatedFoundAndDeleted() throws Exception {
        String admin = c.token();
        Reply created = as(c.url, admin, "POST", "/Users", "{\"userName\":\"jack\",\"password\":\"jack's password\","
                + "\"emails\":[{\"value\":\"jack@example.com\"}],\"name\":{\"givenName\":\"Jack\",\"familyName\":\"J\"}}");
        assertEquals(201, created.status(), created.body());
        JsonNode user = created.json();
        String id = user.get("id").asText();
        assertEquals(guidOf("jack"), id);
        assertEquals("jack", user.get("userName").asText());
        assertTrue(user.get("active").asBoolean());
        assertTrue(user.get("emails").isArray() && user.get("emails").size() > 0);
        assertTrue(user.get("meta").has("created"));
        assertEquals("urn:scim:schemas:core:1.0", user.get("schemas").get(0).asText());
        assertFalse(c.users.find("jack").orElseThrow().admin(), "users created over SCIM are not admins");

        assertUaaError(as(c.url, admin, "POST", "/Users", "{\"userName\":\"jack\",\"password\":\"other password\"}"), 409,
                "scim_resource_already_exists");
        assertUaaError(as(c.url, admin, "POST", "/Users", "{\"userName\":\"kim\",\"password\":\"short\"}"), 400,
                "invalid_password");
        assertUaaError(as(c.url, admin, "POST", "/Users", "{\"userName\":\"no spaces\",\"password\":\"long enough\"}"), 400,
                "invalid_scim_resource");
        assertUaaError(as(c.url, admin, "POST", "/Users", "{\"password\":\"long enough\"}"), 400, "invalid_scim_resource");
        assertUaaError(as(c.url, admin, "POST", "/Users", "not json"), 400, "invalid_scim_resource");

        for (String filter : List.of("userName eq \"jack\"", "userName eq 'jack'", "username Eq \"jack\" and origin eq \"uaa\"")) {
            Reply found = as(c.url, admin, "GET", "/Users?filter=" + enc(filter), null);
            assertEquals(200, found.status(), found.body());
            assertEquals(1, found.json().get("totalResults").asInt(), filter + ": " + found.body());
            assertEquals(1, found.json().get("itemsPerPage").asInt());
            assertEquals(1, found.json().get("startIndex").asInt());
            assertEquals(id, found.json().get("resources").get(0).get("id").asText());
            assertTrue(found.json().get("schemas").isArray());
        }
        assertUaaError(as(c.url, admin, "GET", "/Users?filter=" + enc("password eq \"x\""), null), 400, "invalid_filter");
        assertEquals(200, as(c.url, admin, "GET", "/Users/" + id, null).status());
        assertEquals(200, login(c.url, "jack", "jack's password").status());
        String jack = accessToken(c.url, "jack", "jack's password");

        Reply deleted = as(c.url, admin, "DELETE", "/Users/" + id, null);
        assertEquals(200, deleted.status(), deleted.body());
        assertEquals(id, deleted.json().get("id").asText());
        assertUaaError(as(c.url, admin, "GET", "/Users/" + id, null), 404, "scim_resource_not_found");
        assertUaaError(as(c.url, admin, "DELETE", "/Users/" + id, null), 404, "scim_resource_not_found");
        assertEquals(0, as(c.url, admin, "GET", "/Users?filter=" + enc("userName eq \"jack\""), null).json()
                .get("totalResults").asInt());
        assertInvalidToken(as(c.url, jack, "GET", "/v2/apps", null));
        assertUaaError(login(c.url, "jack", "jack's password"), 401, "unauthorized");
    }

    @Test
    void forgedTokensAreRefused() throws Exception {
        c.users.add("lee", "lee's password", false);
        String lee = accessToken(c.url, "lee", "lee's password");
        String[] parts = lee.split("\\.");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        ObjectNode claims = (ObjectNode) Json.mapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
        claims.put("user_id", guidOf("alice")).put("sub", guidOf("alice")).put("user_name", "alice");
        String asAlice = b64.encodeToString(Json.write(claims).getBytes(StandardCharsets.UTF_8));
        String none = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

        assertInvalidToken(as(c.url, none + "." + asAlice + ".", "GET", "/v2/users", null));
        assertInvalidToken(as(c.url, none + "." + asAlice, "GET", "/v2/users", null));
        assertInvalidToken(as(c.url, parts[0] + "." + asAlice + "." + parts[2], "GET", "/v2/users", null));
        assertInvalidToken(as(c.url, parts[0] + "." + asAlice + "." + b64.encodeToString(new byte[32]), "GET", "/v2/users", null));
        assertEquals(401, as(c.url, parts[0] + "." + asAlice + "." + parts[2], "GET", "/Users", null).status());
        assertEquals(200, as(c.url, lee, "GET", "/v2/apps", null).status(), "lee's own token still works");
    }
}
