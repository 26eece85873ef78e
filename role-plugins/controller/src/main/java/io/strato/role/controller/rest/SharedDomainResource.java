package io.strato.role.controller.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.role.controller.apps.Domain;
import io.strato.role.controller.tenancy.Access;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.Tenancy;
import java.util.Map;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v2/shared_domains}: the domains every organization's routes may use, the cluster's app domain first. Admins
 * add and delete the others; the routers serve every one of them.
 */
@Path("/v2/shared_domains")
@Produces(MediaType.APPLICATION_JSON)
public class SharedDomainResource {

    private static final Logger LOG = LoggerFactory.getLogger(SharedDomainResource.class);

    private final Domains domains;
    private final Tenancy tenancy;
    private final RouteResource routes;

    public SharedDomainResource(Domains domains, Tenancy tenancy, RouteResource routes) {
        this.domains = domains;
        this.tenancy = tenancy;
        this.routes = routes;
    }

    @GET
    @Allow(Op.ANY_USER)
    public Map<String, Object> list(@Context UriInfo uri) {
        return ServiceShapes.page(uri, domains.shared(Shapes.filter(uri, "name")), Domains::shape);
    }

    @GET
    @Allow(Op.ANY_USER)
    @Path("{guid}")
    public Map<String, Object> get(@PathParam("guid") String guid) {
        return Domains.shape(shared(guid));
    }

    /** {@code {name}}: admins only. */
    @POST
    @Allow(Op.CLOUD_ADMIN)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response create(String body, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        access.requireAdmin();
        ObjectNode json = Bodies.object(body);
        Domain domain = domains.create(Bodies.text(json, "name"), null);
        LOG.info("Shared domain {} added by {}: routers serve routes under it once apps are mapped to them",
                domain.name(), access.caller().name());
        return Response.status(Response.Status.CREATED).entity(Domains.shape(domain)).build();
    }

    /** Admins only; while routes use the domain, only with {@code recursive=true}, which deletes them. */
    @DELETE
    @Allow(Op.CLOUD_ADMIN)
    @Path("{guid}")
    public Response delete(@PathParam("guid") String guid, @QueryParam("recursive") boolean recursive,
                           @Context SecurityContext security) {
        Access access = tenancy.access(security);
        access.requireAdmin();
        Domain domain = shared(guid);
        domains.delete(domain, recursive, routes::delete);
        LOG.info("Shared domain {} deleted by {}", domain.name(), access.caller().name());
        return Response.noContent().build();
    }

    private Domain shared(String guid) {
        return domains.find(guid).filter(Domain::shared).orElseThrow(() -> CfException.domainNotFound(guid));
    }
}
