package io.strato.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogsCommandTest {

    static final String APP = FakeController.page(FakeController.resource("app-1",
            "{\"name\":\"shop\",\"state\":\"STARTED\",\"instances\":1,\"memory\":256}"));

    @TempDir
    Path home;

    @Test
    void recentLinesArePrintedWithTimeSourceIndexAndStream() throws Exception {
        try (FakeController controller = new FakeController()) {
            controller.json("GET", "/v2/spaces/space-1/apps", 200, APP)
                    .json("GET", "/v2/apps/app-1/logs", 200, "{\"lines\":["
                            + "{\"timestamp\":1700000000000,\"source\":\"App\",\"index\":0,\"stream\":\"stdout\",\"line\":\"listening on 8080\"},"
                            + "{\"timestamp\":1700000001500,\"source\":\"STG\",\"index\":1,\"stream\":\"stderr\",\"line\":\"warn: x\"}]}");
            CliRun cli = new CliRun(home).loggedIn(controller.url());

            CliRun.Result logs = cli.run("logs", "shop", "--num", "20");

            assertEquals(0, logs.exitCode(), logs.err());
            assertEquals("2023-11-14T22:13:20Z App[0] stdout: listening on 8080\n"
                    + "2023-11-14T22:13:21.500Z STG[1] stderr: warn: x\n", logs.out());
            assertEquals("num=20", controller.requests("GET", "/v2/apps/app-1/logs").get(0).query());
        }
    }

    @Test
    void followPrintsEachStreamedJsonLine() throws Exception {
        try (FakeController controller = new FakeController()) {
            controller.json("GET", "/v2/spaces/space-1/apps", 200, APP)
                    .on("GET", "/v2/apps/app-1/logs", (exchange, request) -> {
                        exchange.sendResponseHeaders(200, 0);
                        try (OutputStream out = exchange.getResponseBody()) {
                            for (int i = 0; i < 3; i++) {
                                out.write(("{\"timestamp\":" + (1700000000000L + i * 1000)
                                        + ",\"source\":\"App\",\"index\":0,\"stream\":\"stdout\",\"line\":\"tick " + i + "\"}\n")
                                        .getBytes(StandardCharsets.UTF_8));
                                out.flush();
                            }
                        }
                    });
            CliRun cli = new CliRun(home).loggedIn(controller.url());

            CliRun.Result logs = cli.run("logs", "shop", "--follow");

            assertEquals(0, logs.exitCode(), logs.err());
            assertEquals("2023-11-14T22:13:20Z App[0] stdout: tick 0\n"
                    + "2023-11-14T22:13:21Z App[0] stdout: tick 1\n"
                    + "2023-11-14T22:13:22Z App[0] stdout: tick 2\n", logs.out());
            assertEquals("follow=true&num=100", controller.requests("GET", "/v2/apps/app-1/logs").get(0).query());
        }
    }
}
