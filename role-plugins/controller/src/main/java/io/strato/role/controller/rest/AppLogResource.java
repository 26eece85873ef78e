package io.strato.role.controller.rest;

import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.Context;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.Allow;
import io.strato.api.app.LogLine;
import io.strato.api.json.Json;
import io.strato.role.controller.apps.AppStore;
import io.strato.role.controller.apps.LogBuffer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.StreamingOutput;

/**
 * {@code GET /v2/apps/:guid/logs}: the app's recent log lines ({@code num}, default 100), or with
 * {@code follow=true} those and then every new line as NDJSON until the client disconnects. An empty line is
 * sent when nothing happened for a while: that is how a disconnected follower is noticed.
 */
@Path("/v2/apps/{guid}/logs")
public class AppLogResource {

    static final long KEEPALIVE_SECONDS = 15;

    private final Lookup lookup;
    private final LogBuffer logs;

    public AppLogResource(Lookup lookup, LogBuffer logs) {
        this.lookup = lookup;
        this.logs = logs;
    }

    @GET
    @Allow(Op.SPACE_READ)
    public Response logs(@PathParam("guid") String guid, @QueryParam("num") @DefaultValue("100") String num,
                         @QueryParam("follow") @DefaultValue("false") boolean follow, @Context SecurityContext security) {
        lookup.app(lookup.tenancy().access(security), guid, Op.SPACE_READ);
        int n = lines(num);
        if (!follow) {
            return Response.ok(Map.of("lines", logs.recent(guid, n).stream().map(AppLogResource::shape).toList()),
                    MediaType.APPLICATION_JSON_TYPE).build();
        }
        LogBuffer.Follower follower = logs.follow(guid);
        List<LogLine> recent = logs.recent(guid, n);
        StreamingOutput stream = out -> {
            try (follower) {
                Set<LogLine> sent = Collections.newSetFromMap(new IdentityHashMap<>());
                for (LogLine line : recent) {
                    write(out, line);
                    sent.add(line);
                }
                if (recent.isEmpty()) {
                    out.write('\n'); // the response (and its headers) starts only with a first byte
                }
                out.flush();
                while (!follower.dropped()) {
                    LogLine line = follower.next(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
                    if (line == null) {
                        out.write('\n');
                    } else if (!sent.remove(line)) {
                        write(out, line);
                    }
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the follower left (Ctrl-C, a closed console tab): the normal end of a followed log, not an error
            }
        };
        return Response.ok(stream, "application/x-ndjson").build();
    }

    private static void write(OutputStream out, LogLine line) throws IOException {
        out.write((Json.write(shape(line)) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> shape(LogLine l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timestamp", l.timestamp());
        m.put("source", l.source());
        m.put("index", l.index());
        m.put("stream", l.stream());
        m.put("line", l.line());
        return m;
    }

    private static int lines(String num) {
        try {
            int n = Integer.parseInt(num.trim());
            if (n < 0) {
                throw CfException.invalidRequest("num must not be negative");
            }
            return Math.min(n, LogBuffer.LINES_PER_APP);
        } catch (NumberFormatException e) {
            throw CfException.invalidRequest("num must be a number");
        }
    }
}
