package io.strato.role.controller.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.role.controller.ControllerSchema;
import io.strato.role.controller.Sql;
import io.strato.role.controller.tenancy.Access;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.AuditLog;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.OrgRole;
import io.strato.role.controller.tenancy.OrgStore;
import io.strato.role.controller.tenancy.Organization;
import io.strato.role.controller.tenancy.QuotaCheck;
import io.strato.role.controller.tenancy.QuotaStore;
import io.strato.role.controller.tenancy.Space;
import io.strato.role.controller.tenancy.Tenancy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
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
 * {@code /v2/organizations}: admins create and delete organizations and set their quota; org managers rename
 * them, create their spaces and give their roles. A user sees the organizations it has a role in (or a role in
 * one of their spaces); any other answers 404.
 */
@Path("/v2/organizations")
@Produces(MediaType.APPLICATION_JSON)
public class OrganizationResource {

    static final int MAX_NAME = 255;
    private static final Logger LOG = LoggerFactory.getLogger(OrganizationResource.class);

    private final Tenancy tenancy;
    private final QuotaStore quotas;
    private final QuotaCheck usage;
    private final RoleChanges roles;
    private final AuditLog audit;
    private final SpaceResource spaces;

    public OrganizationResource(Tenancy tenancy, QuotaStore quotas, QuotaCheck usage, RoleChanges roles, AuditLog audit,
                         SpaceResource spaces) {
        this.tenancy = tenancy;
        this.quotas = quotas;
        this.usage = usage;
        this.roles = roles;
        this.audit = audit;
        this.spaces = spaces;
    }

    private OrgStore orgs() {
        return tenancy.orgs();
    }

    @GET
    @Allow(Op.ANY_USER)
    public Map<String, Object> list(@Context UriInfo uri, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        List<Organization> all = orgs().organizations(Shapes.filter(uri, "name"), access.visibleOrgs());
        return ServiceShapes.page(uri, all, AppShapes::organization);
    }

    @POST
    @Allow(Op.CLOUD_ADMIN)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response create(String body, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        access.requireAdmin();
        ObjectNode json = Bodies.object(body);
        String name = name(Bodies.text(json, "name"));
        String quota = quota(Optional.ofNullable(Bodies.text(json, "quota_definition_guid"))
                .orElse(ControllerSchema.DEFAULT_QUOTA_GUID));
        Organization org;
        try {
            org = orgs().createOrganization(UUID.randomUUID().toString(), name, quota);
        } catch (Sql.DuplicateKeyException e) {
            throw CfException.organizationNameTaken(name);
        }
        LOG.info("Organization {} created by {}", name, access.caller().name());
        audit.record("audit.organization.create", access.caller(), AuditLog.Actee.organization(org),
                Map.of("request", json));
        return Response.status(Response.Status.CREATED).entity(AppShapes.organization(org)).build();
    }

    @GET
    @Path("{guid}")
    @Allow(Op.ORG_READ)
    public Map<String, Object> get(@PathParam("guid") String guid, @Context SecurityContext security) {
        return AppShapes.organization(find(tenancy.access(security), guid, Op.ORG_READ));
    }

    /** Renames (org managers) or sets the quota (admins only). */
    @PUT
    @Path("{guid}")
    @Allow(Op.ORG_MANAGE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response update(@PathParam("guid") String guid, String body, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Organization org = find(access, guid, Op.ORG_MANAGE);
        ObjectNode json = Bodies.object(body);
        String name = json.has("name") ? name(Bodies.text(json, "name")) : org.name();
        String quota = org.quotaGuid();
        String asked = Bodies.text(json, "quota_definition_guid");
        if (asked != null && !asked.equals(quota)) {
            access.require(org, Op.ORG_ADMIN, () -> CfException.organizationNotFound(guid));
            quota = quota(asked);
        }
        try {
            orgs().updateOrganization(guid, name, quota);
        } catch (Sql.DuplicateKeyException e) {
            throw CfException.organizationNameTaken(name);
        }
        Organization updated = orgs().organization(guid).orElseThrow(() -> CfException.organizationNotFound(guid));
        audit.record("audit.organization.update", access.caller(), AuditLog.Actee.organization(updated),
                Map.of("request", json));
        return Response.status(Response.Status.CREATED).entity(AppShapes.organization(updated)).build();
    }

    /** Deletes an organization; with spaces only when {@code recursive=true}, which deletes everything in them. */
    @DELETE
    @Path("{guid}")
    @Allow(Op.ORG_ADMIN)
    public Response delete(@PathParam("guid") String guid, @QueryParam("recursive") boolean recursive,
                           @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Organization org = find(access, guid, Op.ORG_ADMIN);
        List<Space> held = orgs().spaces(null, guid, null);
        if (!held.isEmpty() && !recursive) {
            throw CfException.associationNotEmpty("spaces", "organization " + org.name());
        }
        held.forEach(space -> spaces.deleteWithContents(access, space));
        orgs().deleteOrganization(guid);
        LOG.info("Organization {} deleted by {}", org.name(), access.caller().name());
        audit.record("audit.organization.delete-request", access.caller(), AuditLog.Actee.organization(org),
                Map.of("recursive", recursive));
        return Response.noContent().build();
    }

    @GET
    @Path("{guid}/spaces")
    @Allow(Op.ORG_READ)
    public Map<String, Object> spaces(@PathParam("guid") String guid, @Context UriInfo uri,
                                      @Context SecurityContext security) {
        Access access = tenancy.access(security);
        find(access, guid, Op.ORG_READ);
        return ServiceShapes.page(uri, orgs().spaces(Shapes.filter(uri, "name"), guid, access.visibleSpaces()),
                AppShapes::space);
    }

    @GET
    @Path("{guid}/space_quota_definitions")
    @Allow(Op.ORG_READ)
    public Map<String, Object> spaceQuotas(@PathParam("guid") String guid, @Context UriInfo uri,
                                           @Context SecurityContext security) {
        Access access = tenancy.access(security);
        find(access, guid, Op.ORG_READ);
        return ServiceShapes.page(uri, quotas.spaceQuotas(null, guid, access.visibleOrgs()), QuotaShapes::quota);
    }

    /** The organization, its quota with what is in use, and the spaces the caller sees with what they hold. */
    @GET
    @Path("{guid}/summary")
    @Allow(Op.ORG_READ)
    public Map<String, Object> summary(@PathParam("guid") String guid, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Organization org = find(access, guid, Op.ORG_READ);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("guid", org.guid());
        out.put("name", org.name());
        out.put("status", "active");
        quotas.orgQuota(org.quotaGuid()).ifPresent(q -> out.put("quota",
                QuotaShapes.withUsage(q, usage.ofOrganization(org.guid()))));
        out.put("spaces", orgs().spaces(null, guid, access.visibleSpaces()).stream().map(s -> {
            QuotaCheck.Usage used = usage.ofSpace(s.guid());
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("guid", s.guid());
            one.put("name", s.name());
            one.put("service_count", used.services());
            one.put("app_count", orgs().appCount(s.guid()));
            one.put("mem_dev_total", used.memory());
            one.put("mem_prod_total", 0);
            return one;
        }).toList());
        return out;
    }

    @GET
    @Path("{guid}/{role: users|managers|auditors|billing_managers}")
    @Allow(Op.ORG_READ)
    public Map<String, Object> holders(@PathParam("guid") String guid, @PathParam("role") String role,
                                       @Context UriInfo uri, @Context SecurityContext security) {
        find(tenancy.access(security), guid, Op.ORG_READ);
        return roles.page(uri, tenancy.roles().holders(guid, role(role)));
    }

    @PUT
    @Path("{guid}/{role: users|managers|auditors|billing_managers}/{user}")
    @Allow(Op.ORG_MANAGE)
    public Response grant(@PathParam("guid") String guid, @PathParam("role") String role,
                          @PathParam("user") String user, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Organization org = find(access, guid, Op.ORG_MANAGE);
        roles.grant(access.caller(), org, role(role), roles.byGuid(user));
        return Response.status(Response.Status.CREATED).entity(AppShapes.organization(org)).build();
    }

    /** Gives a role by user name: {@code {"username": "..."}}. */
    @PUT
    @Path("{guid}/{role: users|managers|auditors|billing_managers}")
    @Allow(Op.ORG_MANAGE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response grantByName(@PathParam("guid") String guid, @PathParam("role") String role, String body,
                                @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Organization org = find(access, guid, Op.ORG_MANAGE);
        roles.grant(access.caller(), org, role(role), roles.byName(body));
        return Response.status(Response.Status.CREATED).entity(AppShapes.organization(org)).build();
    }

    @DELETE
    @Path("{guid}/{role: users|managers|auditors|billing_managers}/{user}")
    @Allow(Op.ORG_MANAGE)
    public Response revoke(@PathParam("guid") String guid, @PathParam("role") String role,
                           @PathParam("user") String user, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Organization org = find(access, guid, Op.ORG_MANAGE);
        roles.revoke(access.caller(), org, role(role), roles.byGuid(user));
        return Response.noContent().build();
    }

    /** Takes a role by user name, as newer clients ask: {@code DELETE} with {@code {"username": "..."}}. */
    @DELETE
    @Path("{guid}/{role: users|managers|auditors|billing_managers}")
    @Allow(Op.ORG_MANAGE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response revokeByNameDelete(@PathParam("guid") String guid, @PathParam("role") String role, String body,
                                       @Context SecurityContext security) {
        return revokeByName(guid, role, body, security);
    }

    /** Takes a role by user name: {@code {"username": "..."}}. */
    @POST
    @Path("{guid}/{role: users|managers|auditors|billing_managers}/remove")
    @Allow(Op.ORG_MANAGE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response revokeByName(@PathParam("guid") String guid, @PathParam("role") String role, String body,
                                 @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Organization org = find(access, guid, Op.ORG_MANAGE);
        roles.revoke(access.caller(), org, role(role), roles.byName(body));
        return Response.noContent().build();
    }

    private Organization find(Access access, String guid, Op op) {
        return tenancy.organization(access, guid, op, () -> CfException.organizationNotFound(guid));
    }

    private String quota(String guid) {
        return quotas.orgQuota(guid).orElseThrow(() -> CfException.quotaDefinitionNotFound(guid)).guid();
    }

    private static OrgRole role(String path) {
        return OrgRole.of(path).orElseThrow(CfException::unknownRequest);
    }

    private static String name(String name) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw CfException.organizationInvalid("name must have 1 to " + MAX_NAME + " characters");
        }
        return name.trim();
    }
}
