package io.strato.role.controller.rest;

import io.strato.role.controller.tenancy.Access;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Membership;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.OrgRole;
import io.strato.role.controller.tenancy.SpaceRole;
import io.strato.role.controller.tenancy.Tenancy;
import io.strato.role.controller.users.UserAccount;
import io.strato.role.controller.users.UserAccounts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
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
 * {@code /v2/users}: admins list users and take all their roles (users are created and deleted with UAA's
 * {@code /Users} or {@code kato:user-add}); a user may read itself and its summary: the organizations and spaces it has roles in.
 */
@Path("/v2/users")
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    private static final Logger LOG = LoggerFactory.getLogger(UserResource.class);

    private final Tenancy tenancy;
    private final UserAccounts users;

    public UserResource(Tenancy tenancy, UserAccounts users) {
        this.tenancy = tenancy;
        this.users = users;
    }

    @GET
    @Allow(Op.CLOUD_ADMIN)
    public Map<String, Object> list(@Context UriInfo uri, @Context SecurityContext security) {
        tenancy.access(security).requireAdmin();
        String name = Shapes.filter(uri, "username");
        List<UserAccount> all = users.list().stream().filter(u -> name == null || u.name().equals(name)).toList();
        return ServiceShapes.page(uri, all, UserShapes::user);
    }

    /** Cloud Foundry clients register a user created in UAA here; Strato's users exist already, so it answers it. */
    @POST
    @Allow(Op.CLOUD_ADMIN)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response create(String body, @Context SecurityContext security) {
        tenancy.access(security).requireAdmin();
        String guid = Bodies.text(Bodies.object(body), "guid");
        UserAccount user = users.findByGuid(Objects.requireNonNullElse(guid, ""))
                .orElseThrow(() -> CfException.userNotFound(guid));
        return Response.status(Response.Status.CREATED).entity(UserShapes.user(user)).build();
    }

    @GET
    @Path("{guid}")
    @Allow(Op.SELF_OR_ADMIN)
    public Map<String, Object> get(@PathParam("guid") String guid, @Context SecurityContext security) {
        return UserShapes.user(find(tenancy.access(security), guid));
    }

    @DELETE
    @Path("{guid}")
    @Allow(Op.CLOUD_ADMIN)
    public Response delete(@PathParam("guid") String guid, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        access.requireAdmin();
        UserAccount user = find(access, guid);
        // as in Cloud Foundry, the Cloud Controller's side of the user (its roles) goes; the login goes with UAA's
        // DELETE /Users/:id, which clients call beside this one
        tenancy.roles().revokeAll(user.guid());
        LOG.info("User {} removed from every organization and space by {}", user.name(), access.caller().name());
        return Response.noContent().build();
    }

    /** The organizations and spaces the user has roles in, by role. */
    @GET
    @Path("{guid}/summary")
    @Allow(Op.SELF_OR_ADMIN)
    public Map<String, Object> summary(@PathParam("guid") String guid, @Context SecurityContext security) {
        UserAccount user = find(tenancy.access(security), guid);
        Membership m = tenancy.roles().membership(user.guid());
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("organizations", orgs(m, OrgRole.USERS));
        entity.put("managed_organizations", orgs(m, OrgRole.MANAGERS));
        entity.put("billing_managed_organizations", orgs(m, OrgRole.BILLING_MANAGERS));
        entity.put("audited_organizations", orgs(m, OrgRole.AUDITORS));
        entity.put("spaces", spaces(m, SpaceRole.DEVELOPERS));
        entity.put("managed_spaces", spaces(m, SpaceRole.MANAGERS));
        entity.put("audited_spaces", spaces(m, SpaceRole.AUDITORS));
        return Shapes.resource(user.guid(), "/v2/users/" + user.guid() + "/summary", user.createdAt(),
                user.createdAt(), entity);
    }

    @GET
    @Path("{guid}/organizations")
    @Allow(Op.SELF_OR_ADMIN)
    public Map<String, Object> organizations(@PathParam("guid") String guid, @Context UriInfo uri,
                                             @Context SecurityContext security) {
        UserAccount user = find(tenancy.access(security), guid);
        Membership m = tenancy.roles().membership(user.guid());
        return ServiceShapes.page(uri, tenancy.orgs().organizations(null, m.visibleOrgs()), AppShapes::organization);
    }

    @GET
    @Path("{guid}/spaces")
    @Allow(Op.SELF_OR_ADMIN)
    public Map<String, Object> spaces(@PathParam("guid") String guid, @Context UriInfo uri,
                                      @Context SecurityContext security) {
        UserAccount user = find(tenancy.access(security), guid);
        Membership m = tenancy.roles().membership(user.guid());
        return ServiceShapes.page(uri, tenancy.orgs().spaces(null, null, m.visibleSpaces()), AppShapes::space);
    }

    private List<Map<String, Object>> orgs(Membership m, OrgRole role) {
        return m.orgRoles().entrySet().stream().filter(e -> e.getValue().contains(role))
                .map(e -> tenancy.orgs().organization(e.getKey())).flatMap(Optional::stream)
                .map(AppShapes::organization).toList();
    }

    private List<Map<String, Object>> spaces(Membership m, SpaceRole role) {
        return m.spaceRoles().entrySet().stream().filter(e -> e.getValue().contains(role))
                .map(e -> tenancy.orgs().space(e.getKey())).flatMap(Optional::stream)
                .map(AppShapes::space).toList();
    }

    /** The user, for itself or an admin; 404 for anyone else, as if there were no such user. */
    private UserAccount find(Access access, String guid) {
        if (!access.admin() && !access.caller().userGuid().equals(guid)) {
            throw CfException.userNotFound(guid);
        }
        return users.findByGuid(guid).orElseThrow(() -> CfException.userNotFound(guid));
    }
}
