package io.strato.role.controller.rest;

import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.Tenancy;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;

/** {@code GET /v2/domains/:guid}: a shared or private domain, where a route's {@code domain_url} leads. */
@Path("/v2/domains")
@Produces(MediaType.APPLICATION_JSON)
public class DomainResource {

    private final Domains domains;
    private final Tenancy tenancy;

    public DomainResource(Domains domains, Tenancy tenancy) {
        this.domains = domains;
        this.tenancy = tenancy;
    }

    @GET
    @Allow(Op.ANY_USER)
    @Path("{guid}")
    public Map<String, Object> get(@PathParam("guid") String guid, @Context SecurityContext security) {
        return Domains.shape(domains.visible(tenancy.access(security), guid));
    }
}
