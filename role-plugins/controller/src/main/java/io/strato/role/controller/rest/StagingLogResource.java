package io.strato.role.controller.rest;

import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.Context;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.apps.App;
import io.strato.role.controller.apps.AppStore;
import io.strato.role.controller.apps.StagingDispatcher;
import io.strato.role.controller.apps.StagingLog;
import java.io.IOException;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.StreamingOutput;

/**
 * {@code GET /v2/apps/:guid/staging_log?task=<id>}: the staging log as plain text, streamed while staging
 * runs, from its first line whenever the client connects; the last line says whether it succeeded.
 */
@Path("/v2/apps/{guid}/staging_log")
public class StagingLogResource {

    private final Lookup lookup;
    private final StagingDispatcher staging;

    public StagingLogResource(Lookup lookup, StagingDispatcher staging) {
        this.lookup = lookup;
        this.staging = staging;
    }

    @GET
    @Allow(Op.SPACE_READ)
    public Response log(@PathParam("guid") String guid, @QueryParam("task") String task,
                        @Context SecurityContext security) {
        App app = lookup.app(lookup.tenancy().access(security), guid, Op.SPACE_READ).thing();
        String taskId = task != null ? task : app.stagingTaskId();
        StagingLog log = (taskId == null ? null : staging.log(taskId).filter(l -> l.appGuid().equals(guid)).orElse(null));
        if (log == null) {
            throw CfException.notFound("The staging log could not be found: " + taskId);
        }
        StreamingOutput stream = out -> {
            try {
                log.stream(out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        };
        return Response.ok(stream, MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).build();
    }
}
