package io.strato.role.controller.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.role.controller.apps.Domain;
import io.strato.role.controller.tenancy.Access;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.Organization;
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
 * {@code /v2/private_domains}: domains of one organization (its own names, like {@code apps.acme.com}), which only
 * its spaces' routes may use. Its managers (and admins) add and delete them; its members see them; to anyone else
 * they do not exist.
 */
@Path("/v2/private_domains")
@Produces(MediaType.APPLICATION_JSON)
public class PrivateDomainResource {

    private static final Logger LOG = LoggerFactory.getLogger(PrivateDomainResource.class);

    private final Domains domains;
    private final Tenancy tenancy;
    private final RouteResource routes;

    public PrivateDomainResource(Domains domains, Tenancy tenancy, RouteResource routes) {
        this.domains = domains;
        this.tenancy = tenancy;
        this.routes = routes;
    }

    @GET
    @Allow(Op.ANY_USER)
    public Map<String, Object> list(@Context UriInfo uri, @Context SecurityContext security) {
        return ServiceShapes.page(uri, domains.privateDomains(tenancy.access(security), null, Shapes.filter(uri, "name")),
                Domains::shape);
    }

    @GET
    @Allow(Op.ORG_READ)
    @Path("{guid}")
    public Map<String, Object> get(@PathParam("guid") String guid, @Context SecurityContext security) {
        return Domains.shape(find(tenancy.access(security), guid, Op.ORG_READ));
    }

    /** {@code {name, owning_organization_guid}}: the organization's managers and admins. */
    @POST
    @Allow(Op.ORG_MANAGE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response create(String body, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        ObjectNode json = Bodies.object(body);
        String orgGuid = Bodies.text(json, "owning_organization_guid");
        if (orgGuid == null) {
            throw CfException.domainInvalid("owning_organization_guid is required");
        }
        Organization org = tenancy.organization(access, orgGuid, Op.ORG_MANAGE,
                () -> CfException.organizationNotFound(orgGuid));
        Domain domain = domains.create(Bodies.text(json, "name"), org.guid());
        LOG.info("Private domain {} of organization {} added by {}", domain.name(), org.name(), access.caller().name());
        return Response.status(Response.Status.CREATED).entity(Domains.shape(domain)).build();
    }

    /** The organization's managers and admins; while routes use the domain, only with {@code recursive=true}. */
    @DELETE
    @Allow(Op.ORG_MANAGE)
    @Path("{guid}")
    public Response delete(@PathParam("guid") String guid, @QueryParam("recursive") boolean recursive,
                           @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Domain domain = find(access, guid, Op.ORG_MANAGE);
        domains.delete(domain, recursive, routes::delete);
        LOG.info("Private domain {} deleted by {}", domain.name(), access.caller().name());
        return Response.noContent().build();
    }

    private Domain find(Access access, String guid, Op op) {
        Domain domain = domains.find(guid).filter(d -> !d.shared()).orElseThrow(() -> CfException.domainNotFound(guid));
        tenancy.organization(access, domain.owningOrgGuid(), op, () -> CfException.domainNotFound(guid));
        return domain;
    }

    /** {@code GET /v2/organizations/:guid/private_domains}: the organization's private domains. */
    @Path("/v2/organizations/{guid}/private_domains")
    @Produces(MediaType.APPLICATION_JSON)
    public static class OfOrganization {

        private final Domains domains;
        private final Tenancy tenancy;

        public OfOrganization(Domains domains, Tenancy tenancy) {
            this.domains = domains;
            this.tenancy = tenancy;
        }

        @GET
        @Allow(Op.ORG_READ)
        public Map<String, Object> list(@PathParam("guid") String guid, @Context UriInfo uri,
                                        @Context SecurityContext security) {
            Access access = tenancy.access(security);
            tenancy.organization(access, guid, Op.ORG_READ, () -> CfException.organizationNotFound(guid));
            return ServiceShapes.page(uri, domains.privateDomains(access, guid, Shapes.filter(uri, "name")),
                    Domains::shape);
        }
    }
}
