package io.strato.role.controller.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.role.controller.Sql;
import io.strato.role.controller.tenancy.Access;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.Organization;
import io.strato.role.controller.tenancy.Quota;
import io.strato.role.controller.tenancy.QuotaStore;
import io.strato.role.controller.tenancy.Space;
import io.strato.role.controller.tenancy.Tenancy;
import java.util.Map;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;

/**
 * {@code /v2/space_quota_definitions}: quotas an organization's managers define and give to its spaces, on top
 * of the organization's own quota. Whoever sees the organization sees them.
 */
@Path("/v2/space_quota_definitions")
@Produces(MediaType.APPLICATION_JSON)
public class SpaceQuotaDefinitionResource {

    private final Tenancy tenancy;
    private final QuotaStore quotas;

    public SpaceQuotaDefinitionResource(Tenancy tenancy, QuotaStore quotas) {
        this.tenancy = tenancy;
        this.quotas = quotas;
    }

    @GET
    @Allow(Op.ANY_USER)
    public Map<String, Object> list(@Context UriInfo uri, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        return ServiceShapes.page(uri, quotas.spaceQuotas(Shapes.filter(uri, "name"),
                Shapes.filter(uri, "organization_guid"), access.visibleOrgs()), QuotaShapes::quota);
    }

    @POST
    @Allow(Op.ORG_MANAGE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response create(String body, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        ObjectNode json = Bodies.object(body);
        String orgGuid = Bodies.text(json, "organization_guid");
        if (orgGuid == null) {
            throw CfException.spaceQuotaDefinitionInvalid("organization_guid is required");
        }
        Organization org = tenancy.organization(access, orgGuid, Op.ORG_MANAGE,
                () -> CfException.organizationNotFound(orgGuid));
        Quota q = QuotaShapes.read(json, null, org.guid(), CfException::spaceQuotaDefinitionInvalid);
        try {
            quotas.create(q);
        } catch (Sql.DuplicateKeyException e) {
            throw CfException.spaceQuotaDefinitionNameTaken(q.name());
        }
        return Response.status(Response.Status.CREATED).entity(QuotaShapes.quota(q)).build();
    }

    @GET
    @Path("{guid}")
    @Allow(Op.ORG_READ)
    public Map<String, Object> get(@PathParam("guid") String guid, @Context SecurityContext security) {
        return QuotaShapes.quota(find(tenancy.access(security), guid, Op.ORG_READ));
    }

    @PUT
    @Path("{guid}")
    @Allow(Op.ORG_MANAGE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response update(@PathParam("guid") String guid, String body, @Context SecurityContext security) {
        Quota base = find(tenancy.access(security), guid, Op.ORG_MANAGE);
        Quota q = QuotaShapes.read(Bodies.object(body), base, base.orgGuid(), CfException::spaceQuotaDefinitionInvalid);
        try {
            quotas.update(q);
        } catch (Sql.DuplicateKeyException e) {
            throw CfException.spaceQuotaDefinitionNameTaken(q.name());
        }
        return Response.status(Response.Status.CREATED).entity(QuotaShapes.quota(q)).build();
    }

    /** Deletes a space quota; its spaces go on under their organization's quota alone. */
    @DELETE
    @Path("{guid}")
    @Allow(Op.ORG_MANAGE)
    public Response delete(@PathParam("guid") String guid, @Context SecurityContext security) {
        quotas.delete(find(tenancy.access(security), guid, Op.ORG_MANAGE));
        return Response.noContent().build();
    }

    @GET
    @Path("{guid}/spaces")
    @Allow(Op.ORG_READ)
    public Map<String, Object> spaces(@PathParam("guid") String guid, @Context UriInfo uri,
                                      @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Quota q = find(access, guid, Op.ORG_READ);
        return ServiceShapes.page(uri, tenancy.orgs().spaces(null, q.orgGuid(), access.visibleSpaces()).stream()
                .filter(s -> guid.equals(s.spaceQuotaGuid())).toList(), AppShapes::space);
    }

    @PUT
    @Path("{guid}/spaces/{space}")
    @Allow(Op.ORG_MANAGE)
    public Response assign(@PathParam("guid") String guid, @PathParam("space") String spaceGuid,
                           @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Quota q = find(access, guid, Op.ORG_MANAGE);
        Space space = space(access, spaceGuid, q);
        tenancy.orgs().setSpaceQuota(space.guid(), q.guid());
        return Response.status(Response.Status.CREATED).entity(QuotaShapes.quota(q)).build();
    }

    @DELETE
    @Path("{guid}/spaces/{space}")
    @Allow(Op.ORG_MANAGE)
    public Response unassign(@PathParam("guid") String guid, @PathParam("space") String spaceGuid,
                             @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Quota q = find(access, guid, Op.ORG_MANAGE);
        Space space = space(access, spaceGuid, q);
        if (guid.equals(space.spaceQuotaGuid())) {
            tenancy.orgs().setSpaceQuota(space.guid(), null);
        }
        return Response.noContent().build();
    }

    /** A space of the quota's own organization. */
    private Space space(Access access, String spaceGuid, Quota q) {
        Space space = tenancy.space(access, spaceGuid, Op.SPACE_READ, () -> CfException.spaceNotFound(spaceGuid));
        if (!space.orgGuid().equals(q.orgGuid())) {
            throw CfException.invalidRelation("The space quota and the space are in different organizations");
        }
        return space;
    }

    /** A space quota of an organization the caller may do {@code op} on. */
    private Quota find(Access access, String guid, Op op) {
        Quota q = quotas.spaceQuota(guid).orElseThrow(() -> CfException.spaceQuotaDefinitionNotFound(guid));
        tenancy.organization(access, q.orgGuid(), op, () -> CfException.spaceQuotaDefinitionNotFound(guid));
        return q;
    }
}
