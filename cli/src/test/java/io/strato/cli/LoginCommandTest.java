package io.strato.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginCommandTest {

    @TempDir
    Path home;

    private FakeController controller;

    @BeforeEach
    void start() throws Exception {
        controller = new FakeController();
        controller.json("GET", "/v2/info", 200, "{\"name\":\"strato\",\"version\":\"0.1.0\",\"api_version\":\"2.0.0\","
                + "\"token_endpoint\":\"" + controller.url() + "\"}");
        controller.on("POST", "/oauth/token", (exchange, request) -> {
            boolean good = request.text().contains("password=s3cret");
            FakeController.respond(exchange, good ? 200 : 401, good
                    ? "{\"access_token\":\"tok-123\",\"token_type\":\"bearer\",\"expires_in\":3600,\"jti\":\"j\"}"
                    : FakeController.error(1000, "CF-InvalidAuthToken", "Bad credentials"));
        });
    }

    @AfterEach
    void stop() {
        controller.close();
    }

    @Test
    void targetThenLoginStoresTheToken() {
        CliRun cli = new CliRun(home);
        CliRun.Result target = cli.run("target", controller.url());
        assertEquals(0, target.exitCode(), target.err());
        assertEquals(controller.url(), cli.config().load().target());

        CliRun.Result login = cli.run("login", "--username", "dev@example.com", "--password", "s3cret");

        assertEquals(0, login.exitCode(), login.err());
        assertTrue(login.out().contains("Logged in to " + controller.url() + " as dev@example.com"), login.out());
        Config config = cli.config().load();
        assertEquals("tok-123", config.token());
        assertEquals("dev@example.com", config.user());
        long expected = Instant.now().plusSeconds(3600).getEpochSecond();
        assertTrue(Math.abs(config.tokenExpiresAt() - expected) < 30, "expiry " + config.tokenExpiresAt());

        FakeController.Request token = controller.requests("POST", "/oauth/token").get(0);
        assertEquals("Basic Y2Y6", token.header("Authorization"));
        assertTrue(token.header("Content-Type").startsWith("application/x-www-form-urlencoded"));
        assertEquals("grant_type=password&username=dev%40example.com&password=s3cret", token.text());
    }

    @Test
    void promptsForUsernameAndReadsPasswordFromEnvironment() {
        CliRun cli = new CliRun(home).env("STRATO_PASSWORD", "s3cret").stdin("alice\n");
        cli.config().save(Config.EMPTY.withTarget(controller.url()));

        CliRun.Result login = cli.run("login");

        assertEquals(0, login.exitCode(), login.err());
        assertTrue(login.err().contains("Username: "));
        assertEquals("alice", cli.config().load().user());
        assertEquals("tok-123", cli.config().load().token());
    }

    @Test
    void wrongPasswordFailsAndStoresNothing() {
        CliRun cli = new CliRun(home).stdin("wrong\n");
        cli.config().save(Config.EMPTY.withTarget(controller.url()));

        CliRun.Result login = cli.run("login", "--username", "alice");

        assertEquals(1, login.exitCode());
        assertTrue(login.err().contains("Password: "));
        assertTrue(login.err().contains("Login failed: wrong username or password"), login.err());
        assertNull(cli.config().load().token());
    }

    @Test
    void logoutForgetsTheTokenButKeepsTheTarget() {
        CliRun cli = new CliRun(home).loggedIn(controller.url());

        CliRun.Result logout = cli.run("logout");

        assertEquals(0, logout.exitCode());
        assertNull(cli.config().load().token());
        assertEquals(controller.url(), cli.config().load().target());
        CliRun.Result apps = cli.run("apps");
        assertEquals(1, apps.exitCode());
        assertEquals("Not logged in: run `strato login`", apps.err().trim());
    }

    @Test
    void targetRejectsAServerThatIsNotAController() {
        controller.json("GET", "/v2/info", 404, "{}");
        CliRun cli = new CliRun(home);

        CliRun.Result target = cli.run("target", controller.url());

        assertEquals(1, target.exitCode());
        assertTrue(target.err().contains("is not a Strato controller"), target.err());
        assertNull(cli.config().load().target());
    }
}
