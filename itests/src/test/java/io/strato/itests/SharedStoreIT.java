package io.strato.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.After;
import org.junit.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * Two controllers share one database: node-a serves its Derby to the cluster (mode=server), node-b's controller
 * uses it (mode=client). What one controller writes the other reads; when node-a's JVM is killed, its database
 * server keeps running and node-b keeps reading and writing; node-a, restarted, adopts that server and sees
 * node-b's writes.
 */
public class SharedStoreIT {

    private static final Path WORK = Path.of("target", "shared-store");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "s3cret-pass";
    private static final Pattern SERVER_PID = Pattern.compile("Network server:\\s+running, pid (\\d+)");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<StratoNode> nodes = new ArrayList<>();

    @After
    public void stopNodes() throws InterruptedException {
        for (StratoNode n : nodes) {
            n.close();
        }
    }

    @Test
    public void twoControllersShareOneDatabaseThatOutlivesItsNode() throws Exception {
        long t0 = System.nanoTime();
        StratoNode a = new StratoNode("node-a", 50, WORK);
        nodes.add(a);
        int storePort = 20000 + 100 * 50 + 9;
        Files.writeString(a.home.resolve("etc/io.strato.store.cfg"),
                "mode = server\nserverHost = 127.0.0.1\nserverPort = " + storePort + "\n");
        StratoNode b = new StratoNode("node-b", 51, WORK);
        nodes.add(b);
        Files.writeString(b.home.resolve("etc/io.strato.store.cfg"), "mode = client\n");
        a.start();
        b.start();
        StratoNode.awaitAllReady(nodes);

        String added = a.shell("kato:role-add primary controller");
        assertTrue(added, added.contains("Added roles:"));
        String secret = a.shell("kato:cluster-secret").trim();
        String attached = b.shell("kato:node-attach --secret " + secret + " 127.0.0.1:" + a.clusterPort);
        assertTrue(attached, attached.contains("Attached to cluster strato (primary: node-a"));
        String addedB = b.shell("kato:role-add controller");
        assertTrue(addedB, addedB.contains("Added roles: controller"));
        assertTrue(a.shell("kato:user-add --admin --password " + PASSWORD + " admin1").contains("added"));
        String statusA = a.awaitShell("kato:store-status", s -> SERVER_PID.matcher(s).find(), Duration.ofSeconds(60));
        assertTrue(statusA, statusA.matches("(?s).*Mode:\\s+server.*") && statusA.contains("jdbc:derby://127.0.0.1:" + storePort + "/db"));
        assertTrue(statusA, !statusA.toLowerCase().contains("password"));
        String statusB = b.awaitShell("kato:store-status", s -> s.matches("(?s).*Cluster database:\\s+jdbc:derby://127\\.0\\.0\\.1:" + storePort + ".*"),
                Duration.ofSeconds(60));
        assertTrue(statusB, statusB.matches("(?s).*Mode:\\s+client.*") && statusB.contains("strato/db"));
        System.out.printf("[SharedStoreIT] two controllers on one database after %.1f s%n", (System.nanoTime() - t0) / 1e9);

        // written through A's API, read through B's: the user (B logs it in) and an organization
        String apiA = "http://127.0.0.1:" + a.httpPort;
        String apiB = "http://127.0.0.1:" + b.httpPort;
        assertEquals(201, call(apiA, token(apiA), "POST", "/v2/organizations", "{\"name\":\"made-at-a\"}").status);
        assertEquals(1, orgs(apiB, token(apiB), "made-at-a"));

        // kill -9 of A's JVM: its Derby server lives on, B reads and writes
        Matcher pid = SERVER_PID.matcher(statusA);
        assertTrue(pid.find());
        long serverPid = Long.parseLong(pid.group(1));
        a.signalJvm("KILL");
        Thread.sleep(2000);
        try (java.net.Socket answer = new java.net.Socket("127.0.0.1", storePort)) {
            assertTrue("the database server outlives its node's JVM", answer.isConnected());
        }
        long killedAt = System.nanoTime();
        String tokenB = token(apiB);
        assertEquals(1, orgs(apiB, tokenB, "made-at-a"));
        assertEquals(201, call(apiB, tokenB, "POST", "/v2/organizations", "{\"name\":\"made-at-b-while-a-was-down\"}").status);
        System.out.printf("[SharedStoreIT] B read and wrote %.1f s after A's JVM was killed%n", (System.nanoTime() - killedAt) / 1e9);

        // A restarts, adopts the running server (no second one) and sees B's write
        a.start();
        a.awaitReady(Duration.ofSeconds(180));
        String again = a.awaitShell("kato:store-status", s -> SERVER_PID.matcher(s).find(), Duration.ofSeconds(120));
        assertTrue(again, again.contains("running, pid " + serverPid + ","));
        assertTrue(a.log().contains("Adopted the Derby network server that was still running (pid " + serverPid));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int seen = 0;
        while (seen == 0 && System.nanoTime() < deadline) {
            try {
                seen = orgs(apiA, token(apiA), "made-at-b-while-a-was-down");
            } catch (AssertionError | java.io.IOException notYet) {
                Thread.sleep(2000); // A's controller is still starting
            }
        }
        assertEquals(1, seen);
        System.out.printf("[SharedStoreIT] whole scenario %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private record Answer(int status, String body, JsonNode json) {
    }

    private int orgs(String api, String token, String name) throws Exception {
        Answer list = call(api, token, "GET", "/v2/organizations?q=name:" + name, null);
        assertEquals(list.body, 200, list.status);
        return list.json.path("resources").size();
    }

    private Answer call(String api, String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String text = response.body();
        JsonNode json = text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        return new Answer(response.statusCode(), text, json);
    }

    /** Logs admin1 in at one controller; polled, since a controller that just started may not answer yet. */
    private String token(String api) throws Exception {
        String form = "grant_type=password&username=admin1&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
        String last = "";
        for (int i = 0; i < 60; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(api + "/oauth/token")).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Basic Y2Y6") // cf:
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return JSON.readTree(response.body()).path("access_token").asText();
                }
                last = response.statusCode() + " " + response.body();
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("admin1 cannot log in at " + api + ": " + last);
    }
}
