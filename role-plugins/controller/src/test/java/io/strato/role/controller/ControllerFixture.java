package io.strato.role.controller;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.app.Channels;
import io.strato.api.app.DesiredApp;
import io.strato.api.app.InternalAuth;
import io.strato.api.cluster.ClusterSecret;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.json.Json;
import io.strato.api.sandbox.UidRange;
import io.strato.api.store.Database;
import io.strato.role.controller.blob.UploadLimits;
import io.strato.role.controller.users.JdbcUserAccounts;
import io.strato.testkit.DerbyDatabase;
import io.strato.testkit.PostgresDatabase;
import io.strato.testkit.TestCluster;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;

/**
 * A controller on a local port, with a real Derby database in target/ (or PostgreSQL, see {@link #database}), shared state in the JVM, and one user
 * ({@value #USER}, admin). HTTP helpers return the status, headers and body.
 */
public final class ControllerFixture implements AutoCloseable {

    public static final String USER = "alice";
    public static final String PASSWORD = "correct horse battery";
    public static final String SECRET = "cluster-secret-for-tests";
    public static final ClusterSecret CLUSTER_SECRET = () -> SECRET;

    public final Path dir;
    /** Embedded Derby; PostgreSQL when the tests run with {@code -Dstrato.test.database=postgresql}. */
    public final Database database;
    public final LocalSharedState shared;
    public final JdbcUserAccounts users;
    public final CloudController controller;
    public final String url;
    private final Bus bus;
    /** Whether this fixture made the database and shared state (and closes them). */
    private final boolean owner;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String token;

    public ControllerFixture() throws Exception {
        this(new UploadLimits(4L * 1024 * 1024, 100, 40L * 1024 * 1024), UidRange.DEFAULT);
    }

    public ControllerFixture(UploadLimits limits) throws Exception {
        this(limits, UidRange.DEFAULT);
    }

    /** A controller that hands out app uids from {@code appUids}. */
    public ControllerFixture(UidRange appUids) throws Exception {
        this(new UploadLimits(4L * 1024 * 1024, 100, 40L * 1024 * 1024), appUids);
    }

    public ControllerFixture(UploadLimits limits, UidRange appUids) throws Exception {
        this(limits, appUids, null, "node-1");
    }

    /**
     * A second controller, on node {@code nodeId}, sharing {@code first}'s database and cluster state (and blob
     * store), with a disk of its own; closing it leaves {@code first} running.
     */
    public ControllerFixture(ControllerFixture first, String nodeId) throws Exception {
        this(new UploadLimits(4L * 1024 * 1024, 100, 40L * 1024 * 1024), UidRange.DEFAULT, first, nodeId);
    }

    private ControllerFixture(UploadLimits limits, UidRange appUids, ControllerFixture first, String nodeId)
            throws Exception {
        dir = Path.of("target", "fixtures", UUID.randomUUID().toString());
        Files.createDirectories(dir);
        owner = first == null;
        database = !owner ? first.database : "postgresql".equals(System.getProperty("strato.test.database"))
                ? new PostgresDatabase() : new DerbyDatabase(dir.resolve("db"));
        shared = owner ? new LocalSharedState() : first.shared;
        users = new JdbcUserAccounts(database);
        if (owner) {
            users.add(USER, PASSWORD, true);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        url = "http://127.0.0.1:" + port;
        ControllerSettings settings = new ControllerSettings(limits, Duration.ofMinutes(10), dir.resolve("blobs"), url,
                port, "test", ControllerSettings.DEFAULT_MAX_INSTANCES, appUids, 0);
        controller = new CloudController(database, shared, new TestCluster(nodeId), CLUSTER_SECRET, users, settings);
        bus = BusFactory.newInstance().createBus();
        controller.start(bus, url + "/");
    }

    public record Reply(int status, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return Json.mapper().readTree(raw.body());
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + raw.body(), e);
            }
        }

        public String body() {
            return raw.body();
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public String token() throws Exception {
        if (token == null) {
            token = login(USER, PASSWORD).json().get("access_token").asText();
        }
        return token;
    }

    public Reply login(String user, String password) throws Exception {
        String form = "grant_type=password&username=" + enc(user) + "&password=" + enc(password);
        return send(HttpRequest.newBuilder(URI.create(url + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic Y2Y6")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    public Reply get(String path) throws Exception {
        return send(authed(path).GET());
    }

    public Reply post(String path, String json) throws Exception {
        return send(authed(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply put(String path, String json) throws Exception {
        return send(authed(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply delete(String path) throws Exception {
        return send(authed(path).DELETE());
    }

    /** Uploads a zip as CF clients do: multipart with a "resources" and an "application" part. */
    public Reply uploadBits(String appGuid, byte[] zip) throws Exception {
        String boundary = "strato-test-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"resources\"\r\n\r\n[]\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"application\"; filename=\"application.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + zip.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(zip, 0, body, head.length, zip.length);
        System.arraycopy(tail, 0, body, head.length + zip.length, tail.length);
        return send(authed("/v2/apps/" + appGuid + "/bits")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public HttpRequest.Builder authed(String path) throws Exception {
        return HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "bearer " + token());
    }

    public HttpRequest.Builder internal(String path) {
        return HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header(InternalAuth.HEADER, "Bearer " + InternalAuth.token(SECRET, "blobstore"));
    }

    public Reply send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r);
    }

    public HttpResponse<byte[]> sendForBytes(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Creates an app and returns its guid. */
    public String createApp(String json) throws Exception {
        Reply r = post("/v2/apps", json);
        if (r.status() != 201) {
            throw new AssertionError("create app: " + r.status() + " " + r.body());
        }
        return r.json().at("/metadata/guid").asText();
    }

    /** The app's entry in {@link Channels#DESIRED_APPS}: what the controller wants running. */
    public Optional<DesiredApp> desired(String appGuid) {
        return shared.map(Channels.DESIRED_APPS).get(appGuid).map(json -> Json.read(json, DesiredApp.class));
    }

    /** The uid the app's code runs as, as the controller stored it (0 when it has none). */
    public int appUid(String appGuid) {
        return new Sql(database.dataSource()).one("SELECT app_uid FROM ctl_apps WHERE guid = ?", rs -> rs.getInt(1),
                appGuid).orElseThrow(() -> new AssertionError("no app " + appGuid));
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        controller.close();
        bus.shutdown(true);
        if (owner) {
            shared.close();
            try {
                ((AutoCloseable) database).close();
            } catch (Exception e) {
                throw new IllegalStateException("could not close the test database: " + e.getMessage(), e);
            }
        }
    }
}
