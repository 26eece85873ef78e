package io.strato.role.controller.rest;

import io.strato.role.controller.jobs.JobStore;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.Tenancy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;

/** {@code GET /v2/jobs/:guid}: how an asynchronous request ended, for whoever sees the space it worked in. */
@Path("/v2/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    private final JobStore jobs;
    private final Tenancy tenancy;

    public JobResource(JobStore jobs, Tenancy tenancy) {
        this.jobs = jobs;
        this.tenancy = tenancy;
    }

    @GET
    @Path("{guid}")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> get(@PathParam("guid") String guid, @Context SecurityContext security) {
        Supplier<CfException> notFound = () -> CfException.notFound("The job could not be found: " + guid);
        JobStore.Job job = jobs.find(guid).orElseThrow(notFound);
        tenancy.space(tenancy.access(security), job.spaceGuid(), Op.SPACE_READ, notFound);
        return shape(job);
    }

    /** The answer to an {@code async=true} request: 201 (an upload) or 202 (a delete) with the job. */
    static Response accepted(int status, JobStore.Job job) {
        return Response.status(status).entity(shape(job)).build();
    }

    static Map<String, Object> shape(JobStore.Job job) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("guid", job.guid());
        metadata.put("created_at", Shapes.time(job.createdAt()));
        metadata.put("url", "/v2/jobs/" + job.guid());
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("guid", job.guid());
        entity.put("status", job.status());
        if (JobStore.Job.FAILED.equals(job.status())) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("code", job.errorCode());
            details.put("description", job.errorDescription());
            details.put("error_code", job.errorName());
            entity.put("error", "Use of entity>error is deprecated in favor of entity>error_details.");
            entity.put("error_details", details);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("metadata", metadata);
        r.put("entity", entity);
        return r;
    }
}
