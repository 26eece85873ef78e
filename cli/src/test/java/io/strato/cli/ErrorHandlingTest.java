package io.strato.cli;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorHandlingTest {

    @TempDir
    Path home;

    @Test
    void unauthorizedAnswerSaysToLogIn() throws Exception {
        try (FakeController controller = new FakeController()) {
            controller.json("GET", "/v2/spaces/space-1/apps", 401,
                    FakeController.error(1000, "CF-InvalidAuthToken", "Invalid Auth Token"));
            CliRun cli = new CliRun(home).loggedIn(controller.url());

            CliRun.Result apps = cli.run("apps");

            assertEquals(1, apps.exitCode());
            assertEquals("Not logged in: run `strato login`", apps.err().trim());
            assertEquals("bearer test-token", controller.requests("GET", "/v2/spaces/space-1/apps").get(0).header("Authorization"));
        }
    }

    @Test
    void unreachableTargetExitsWithTwo() throws Exception {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = socket.getLocalPort();
        }
        String target = "http://127.0.0.1:" + freePort;
        CliRun cli = new CliRun(home).loggedIn(target);

        CliRun.Result apps = cli.run("apps");
        assertEquals(2, apps.exitCode());
        assertEquals("Cannot reach " + target + " (connection refused): check the URL with `strato target <url>`",
                apps.err().trim());

        CliRun.Result setTarget = cli.run("target", target);
        assertEquals(2, setTarget.exitCode());
    }

    @Test
    void missingTargetAndLoginSayWhatToRun() {
        CliRun cli = new CliRun(home);
        CliRun.Result noTarget = cli.run("apps");
        assertEquals(1, noTarget.exitCode());
        assertEquals("No target: run `strato target <url>`", noTarget.err().trim());

        cli.config().save(Config.EMPTY.withTarget("http://127.0.0.1:1"));
        CliRun.Result noLogin = cli.run("push", "app");
        assertEquals(1, noLogin.exitCode());
        assertEquals("Not logged in: run `strato login`", noLogin.err().trim());

        cli.config().save(new Config("http://127.0.0.1:1", "dev", "old", Instant.now().minusSeconds(5).getEpochSecond()));
        CliRun.Result expired = cli.run("apps");
        assertEquals(1, expired.exitCode());
        assertEquals("Login expired: run `strato login`", expired.err().trim());
    }

    @Test
    void usageErrorsExitWithOneAndPointAtHelp() {
        CliRun.Result result = new CliRun(home).run("scale");
        assertEquals(1, result.exitCode());
        assertTrue(result.err().contains("run `strato scale --help`"), result.err());

        assertEquals(1, new CliRun(home).run("no-such-command").exitCode());
    }

    @Test
    void theHelpThatUsageErrorsPointAtIsThere() {
        CliRun.Result help = new CliRun(home).run("push", "--help");
        assertEquals(0, help.exitCode(), help.err());
        assertTrue(help.out().contains("--mem") && help.out().contains("-m,"), "cf's short options too: " + help.out());
        assertEquals(0, new CliRun(home).run("scale", "-h").exitCode());
    }

    @Test
    void theUsageAndHelpListEveryCommandThoughACommandLineParsesOnlyTheOneItNames() {
        CliRun.Result usage = new CliRun(home).run("--help");
        assertEquals(0, usage.exitCode(), usage.err());
        for (String command : List.of("target", "push", "apps", "create-service", "set-space-role", "delete-user", "help")) {
            assertTrue(usage.out().contains("  " + command + " "), command + " in: " + usage.out());
        }
        CliRun.Result help = new CliRun(home).run("help", "push");
        assertEquals(0, help.exitCode(), help.err());
        assertTrue(help.out().contains("Usage: strato push") && help.out().contains("--mem"), help.out());

        CliRun.Result typo = new CliRun(home).run("pusj");
        assertEquals(1, typo.exitCode());
        assertEquals("Unmatched argument at index 0: 'pusj': run `strato --help`", typo.err().trim());
    }

    @Test
    void apiErrorsPrintTheControllersDescription() throws Exception {
        try (FakeController controller = new FakeController()) {
            controller.json("GET", "/v2/spaces/space-1/apps", 200, FakeController.page());
            CliRun cli = new CliRun(home).loggedIn(controller.url());

            CliRun.Result app = cli.run("app", "ghost");
            assertEquals(1, app.exitCode());
            assertEquals("App 'ghost' not found: run `strato apps` to list them", app.err().trim());

            controller.json("GET", "/v2/spaces/space-1/apps", 500, FakeController.error(10001, "CF-ServerError", "Database is down"));
            CliRun.Result apps = cli.run("apps");
            assertEquals(1, apps.exitCode());
            assertEquals("Database is down (CF-ServerError)", apps.err().trim());

            CliRun.Result market = cli.run("marketplace");
            assertEquals(1, market.exitCode());
            assertEquals("The controller has no endpoint /v2/services: it is older than this client; update the controller",
                    market.err().trim());
        }
    }
}
