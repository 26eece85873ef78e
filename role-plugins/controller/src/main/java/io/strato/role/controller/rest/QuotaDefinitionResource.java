package io.strato.role.controller.rest;

import io.strato.role.controller.ControllerSchema;
import io.strato.role.controller.Sql;
import io.strato.role.controller.tenancy.Access;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.Quota;
import io.strato.role.controller.tenancy.QuotaStore;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v2/quota_definitions}: the organization quotas. Every user may read them; admins create, change and
 * delete them. "default" goes to every new organization: admins change its limits, and it cannot be deleted.
 */
@Path("/v2/quota_definitions")
@Produces(MediaType.APPLICATION_JSON)
public class QuotaDefinitionResource {

    private static final Logger LOG = LoggerFactory.getLogger(QuotaDefinitionResource.class);

    private final Tenancy tenancy;
    private final QuotaStore quotas;

    public QuotaDefinitionResource(Tenancy tenancy, QuotaStore quotas) {
        this.tenancy = tenancy;
        this.quotas = quotas;
    }

    @GET
    @Allow(Op.ANY_USER)
    public Map<String, Object> list(@Context UriInfo uri) {
        return ServiceShapes.page(uri, quotas.orgQuotas(Shapes.filter(uri, "name")), QuotaShapes::quota);
    }

    @GET
    @Path("{guid}")
    @Allow(Op.ANY_USER)
    public Map<String, Object> get(@PathParam("guid") String guid) {
        return QuotaShapes.quota(find(guid));
    }

    @POST
    @Allow(Op.CLOUD_ADMIN)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response create(String body, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        access.requireAdmin();
        Quota q = QuotaShapes.read(Bodies.object(body), null, null, CfException::quotaDefinitionInvalid);
        try {
            quotas.create(q);
        } catch (Sql.DuplicateKeyException e) {
            throw CfException.quotaDefinitionNameTaken(q.name());
        }
        LOG.info("Quota definition {} created by {}: {}", q.name(), access.caller().name(), q);
        return Response.status(Response.Status.CREATED).entity(QuotaShapes.quota(q)).build();
    }

    @PUT
    @Path("{guid}")
    @Allow(Op.CLOUD_ADMIN)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response update(@PathParam("guid") String guid, String body, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        access.requireAdmin();
        Quota q = QuotaShapes.read(Bodies.object(body), find(guid), null, CfException::quotaDefinitionInvalid);
        try {
            quotas.update(q);
        } catch (Sql.DuplicateKeyException e) {
            throw CfException.quotaDefinitionNameTaken(q.name());
        }
        LOG.info("Quota definition {} changed by {}: {}", q.name(), access.caller().name(), q);
        return Response.status(Response.Status.CREATED).entity(QuotaShapes.quota(q)).build();
    }

    @DELETE
    @Path("{guid}")
    @Allow(Op.CLOUD_ADMIN)
    public Response delete(@PathParam("guid") String guid, @Context SecurityContext security) {
        tenancy.access(security).requireAdmin();
        Quota q = find(guid);
        if (ControllerSchema.DEFAULT_QUOTA_GUID.equals(guid)) {
            throw CfException.quotaDefinitionInvalid("the default quota goes to every new organization and stays;"
                    + " change its limits instead");
        }
        if (quotas.organizationsUsing(guid) > 0) {
            throw CfException.associationNotEmpty("organizations", "quota definition " + q.name());
        }
        quotas.delete(q);
        return Response.noContent().build();
    }

    private Quota find(String guid) {
        return quotas.orgQuota(guid).orElseThrow(() -> CfException.quotaDefinitionNotFound(guid));
    }
}
