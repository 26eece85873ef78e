package io.strato.role.controller.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.app.Channels;
import io.strato.api.app.StagerAdvertisement;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.json.Json;
import io.strato.api.sandbox.UidRange;
import io.strato.role.controller.ControllerSchema;
import io.strato.role.controller.Sql;
import io.strato.role.controller.blob.BlobStore;
import io.strato.testkit.DerbyDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A staging log stream ends even when no result comes, and notices a reader that left. */
class StagingLogTest {

    private static final Duration SHORT = Duration.ofMillis(50);

    @Test
    void aQuietLogSendsEmptyLinesSoAGoneReaderIsNoticed() {
        StagingLog log = new StagingLog("app");
        log.append("Staging web on node-1");
        // the reader leaves once it has the first line: only a later write can tell
        OutputStream gone = new OutputStream() {
            boolean flushed;

            @Override
            public void write(int b) throws IOException {
                if (flushed) {
                    throw new IOException("connection reset");
                }
            }

            @Override
            public void flush() {
                flushed = true;
            }
        };
        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(IOException.class, () -> log.stream(gone, SHORT, Duration.ofMinutes(5))));
    }

    @Test
    void aLogWithoutAResultEndsAfterTheLimit() throws Exception {
        StagingLog log = new StagingLog("app");
        log.append("Staging web on node-1");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> log.stream(out, SHORT, Duration.ofSeconds(1)));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("Staging web on node-1\n\n"), text);
        assertTrue(text.endsWith("\nStaging log ended: no result from the stager within 1 s\n"), text);
    }

    @Test
    void closingTheDispatcherEndsOpenLogs() throws Exception {
        Path dir = Path.of("target", "fixtures", UUID.randomUUID().toString());
        DerbyDatabase database = new DerbyDatabase(dir.resolve("db"));
        try (LocalSharedState shared = new LocalSharedState()) {
            ControllerSchema.apply(database);
            AppStore apps = new AppStore(new Sql(database.dataSource()));
            shared.map(Channels.STAGER_ADVERTISEMENTS).put("stager-1",
                    Json.write(new StagerAdvertisement("stager-1", "stager-node", 0)), Duration.ofMinutes(1));
            long now = System.currentTimeMillis();
            App app = new App(UUID.randomUUID().toString(), "web", ControllerSchema.DEFAULT_SPACE_GUID, 256, 1, 1024,
                    App.STARTED, null, null, "{}", "p1", now, App.PENDING, null, null, null, null, null, null, "v1", now, now, 0);
            apps.create(app);
            new AppUids(new Sql(database.dataSource()), UidRange.DEFAULT).assign(app.guid());
            app = apps.find(app.guid()).orElseThrow();
            StagingDispatcher staging = new StagingDispatcher(shared, "node-a", apps, new BlobStore(database, dir.resolve("blobs")),
                    new LogBuffer(shared), guid -> { });
            String task = staging.stageIfNeeded(app).orElseThrow();
            staging.close();

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> staging.log(task).orElseThrow().stream(out));
            assertEquals("Staging web on stager-node\nStaging interrupted: the controller stopped\n",
                    out.toString(StandardCharsets.UTF_8));
        } finally {
            database.close();
        }
    }
}
