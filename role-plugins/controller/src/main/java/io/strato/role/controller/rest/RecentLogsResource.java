package io.strato.role.controller.rest;

import io.strato.api.app.LogLine;
import io.strato.role.controller.apps.LogBuffer;
import io.strato.role.controller.logs.DopplerServer;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import java.util.List;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.StreamingOutput;

/**
 * Doppler's {@code GET /apps/:guid/recentlogs} on the API's own port too (the root document's {@code logging} link
 * leads Cloud Foundry clients to the {@link DopplerServer}, which also streams): the app's kept log lines as
 * Loggregator envelopes, one per part of a {@code multipart/x-protobuf} body.
 */
@Path("/apps/{guid}/recentlogs")
public class RecentLogsResource {

    private final Lookup lookup;
    private final LogBuffer logs;

    public RecentLogsResource(Lookup lookup, LogBuffer logs) {
        this.lookup = lookup;
        this.logs = logs;
    }

    @GET
    @Allow(Op.SPACE_READ)
    public Response recent(@PathParam("guid") String guid, @Context SecurityContext security) {
        lookup.app(lookup.tenancy().access(security), guid, Op.SPACE_READ);
        List<LogLine> lines = logs.recent(guid, LogBuffer.LINES_PER_APP);
        String boundary = DopplerServer.boundary();
        String type = "multipart/x-protobuf; boundary=" + boundary;
        StreamingOutput body = out -> {
            // set on the message before the first byte: CXF would write a media type without the space after ";"
            // that Doppler clients match on
            org.apache.cxf.message.Message message = org.apache.cxf.phase.PhaseInterceptorChain.getCurrentMessage();
            if (message != null) {
                message.put(org.apache.cxf.message.Message.CONTENT_TYPE, type);
                @SuppressWarnings("unchecked")
                java.util.Map<String, List<Object>> headers = (java.util.Map<String, List<Object>>)
                        message.get(org.apache.cxf.message.Message.PROTOCOL_HEADERS);
                if (headers != null) {
                    headers.put("Content-Type", List.of(type));
                }
            }
            DopplerServer.writeMultipart(out, lines, boundary);
        };
        return Response.ok(body, type).build();
    }
}
