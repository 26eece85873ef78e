package io.strato.role.controller.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.role.controller.Sql;
import io.strato.role.controller.apps.App;
import io.strato.role.controller.apps.AppRuntime;
import io.strato.role.controller.apps.AppStore;
import io.strato.role.controller.apps.Route;
import io.strato.role.controller.apps.RouteStore;
import io.strato.role.controller.services.ManagedServiceInstance;
import io.strato.role.controller.services.ServiceStore;
import io.strato.role.controller.tenancy.Access;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.AuditLog;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.Organization;
import io.strato.role.controller.tenancy.Space;
import io.strato.role.controller.tenancy.SpaceRole;
import io.strato.role.controller.tenancy.Tenancy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * {@code /v2/spaces}: org managers create and delete spaces; space and org managers rename them and give their
 * roles. A user sees the spaces it has a role in and every space of the organizations it manages; any other
 * answers 404.
 */
@Path("/v2/spaces")
@Produces(MediaType.APPLICATION_JSON)
public class SpaceResource {

    private static final Logger LOG = LoggerFactory.getLogger(SpaceResource.class);

    private final Tenancy tenancy;
    private final RoleChanges roles;
    private final AuditLog audit;
    private final AppStore apps;
    private final RouteStore routes;
    private final ServiceStore services;
    private final AppResource appResource;
    private final RouteResource routeResource;
    private final ServiceInstanceResource serviceResource;
    private final AppShapes shapes;

    public SpaceResource(Tenancy tenancy, RoleChanges roles, AuditLog audit, AppStore apps, RouteStore routes,
                  ServiceStore services, AppRuntime runtime, AppResource appResource, RouteResource routeResource,
                  ServiceInstanceResource serviceResource) {
        this.tenancy = tenancy;
        this.roles = roles;
        this.audit = audit;
        this.apps = apps;
        this.routes = routes;
        this.services = services;
        this.appResource = appResource;
        this.routeResource = routeResource;
        this.serviceResource = serviceResource;
        this.shapes = new AppShapes(runtime);
    }

    @GET
    @Allow(Op.ANY_USER)
    public Map<String, Object> list(@Context UriInfo uri, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        return ServiceShapes.page(uri, tenancy.orgs().spaces(Shapes.filter(uri, "name"),
                Shapes.filter(uri, "organization_guid"), access.visibleSpaces()), AppShapes::space);
    }

    /** Creates a space in an organization the caller manages; the caller becomes its manager and developer. */
    @POST
    @Allow(Op.ORG_MANAGE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response create(String body, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        ObjectNode json = Bodies.object(body);
        String orgGuid = Bodies.text(json, "organization_guid");
        if (orgGuid == null) {
            throw CfException.spaceInvalid("organization_guid is required");
        }
        Organization org = tenancy.organization(access, orgGuid, Op.ORG_MANAGE,
                () -> CfException.organizationNotFound(orgGuid));
        String name = name(Bodies.text(json, "name"));
        Space space;
        try {
            space = tenancy.orgs().createSpace(UUID.randomUUID().toString(), name, org.guid());
        } catch (Sql.DuplicateKeyException e) {
            throw CfException.spaceNameTaken(name);
        }
        tenancy.roles().grant(space.guid(), access.caller().userGuid(), SpaceRole.MANAGERS);
        tenancy.roles().grant(space.guid(), access.caller().userGuid(), SpaceRole.DEVELOPERS);
        LOG.info("Space {} created in organization {} by {}", name, org.name(), access.caller().name());
        audit.record("audit.space.create", access.caller(), AuditLog.Actee.space(space), Map.of("request", json));
        return Response.status(Response.Status.CREATED).entity(AppShapes.space(space)).build();
    }

    @GET
    @Path("{guid}")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> get(@PathParam("guid") String guid, @Context SecurityContext security) {
        return AppShapes.space(find(tenancy.access(security), guid, Op.SPACE_READ));
    }

    @PUT
    @Path("{guid}")
    @Allow(Op.SPACE_MANAGE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response update(@PathParam("guid") String guid, String body, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Space space = find(access, guid, Op.SPACE_MANAGE);
        ObjectNode json = Bodies.object(body);
        if (json.has("name")) {
            String name = name(Bodies.text(json, "name"));
            try {
                tenancy.orgs().renameSpace(guid, name);
            } catch (Sql.DuplicateKeyException e) {
                throw CfException.spaceNameTaken(name);
            }
        }
        Space updated = tenancy.orgs().space(guid).orElseThrow(() -> CfException.spaceNotFound(guid));
        audit.record("audit.space.update", access.caller(), AuditLog.Actee.space(space), Map.of("request", json));
        return Response.status(Response.Status.CREATED).entity(AppShapes.space(updated)).build();
    }

    /** Deletes a space; one that holds apps, routes or service instances only with {@code recursive=true}. */
    @DELETE
    @Path("{guid}")
    @Allow(Op.SPACE_ADMIN)
    public Response delete(@PathParam("guid") String guid, @QueryParam("recursive") boolean recursive,
                           @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Space space = find(access, guid, Op.SPACE_ADMIN);
        if (!recursive && tenancy.orgs().contents(guid) > 0) {
            throw CfException.associationNotEmpty("apps, routes and service_instances", "space " + space.name());
        }
        deleteWithContents(access, space);
        return Response.noContent().build();
    }

    /** Deletes the space's apps, service instances and routes, then the space. */
    void deleteWithContents(Access access, Space space) {
        for (String app : apps.inSpace(space.guid())) {
            apps.find(app).ifPresent(appResource::delete);
        }
        for (ManagedServiceInstance instance : services.instances(null, space.guid(), null)) {
            serviceResource.delete(instance);
        }
        for (Route route : routes.list(null, space.guid(), null, 0, Integer.MAX_VALUE)) {
            routeResource.delete(route);
        }
        tenancy.orgs().deleteSpace(space.guid());
        LOG.info("Space {} deleted by {}", space.name(), access.caller().name());
        audit.record("audit.space.delete-request", access.caller(), AuditLog.Actee.space(space), Map.of());
    }

    @GET
    @Path("{guid}/apps")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> apps(@PathParam("guid") String guid, @Context UriInfo uri,
                                    @Context SecurityContext security) {
        Access access = tenancy.access(security);
        find(access, guid, Op.SPACE_READ);
        return appResource.page(uri, access, guid);
    }

    @GET
    @Path("{guid}/routes")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> routes(@PathParam("guid") String guid, @Context UriInfo uri,
                                      @Context SecurityContext security) {
        Access access = tenancy.access(security);
        find(access, guid, Op.SPACE_READ);
        return routeResource.page(uri, access, guid);
    }

    @GET
    @Path("{guid}/service_instances")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> serviceInstances(@PathParam("guid") String guid, @Context UriInfo uri,
                                                @Context SecurityContext security) {
        Access access = tenancy.access(security);
        find(access, guid, Op.SPACE_READ);
        return serviceResource.page(uri, access, guid);
    }

    /**
     * The space's application security groups: none. Apps are kept apart by the DEA (per-app uids and network
     * rules, see docs/security.md), not by groups a user can see or change.
     */
    @GET
    @Path("{guid}/security_groups")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> securityGroups(@PathParam("guid") String guid, @Context UriInfo uri,
                                              @Context SecurityContext security) {
        find(tenancy.access(security), guid, Op.SPACE_READ);
        return ServiceShapes.page(uri, List.of(), g -> Map.of());
    }

    /** The space with its apps (state, instances running, URLs) and service instances, as {@code cf apps} reads it. */
    @GET
    @Path("{guid}/summary")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> summary(@PathParam("guid") String guid, @Context SecurityContext security) {
        Space space = find(tenancy.access(security), guid, Op.SPACE_READ);
        List<ManagedServiceInstance> instances = services.instances(null, guid, null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("guid", space.guid());
        out.put("name", space.name());
        out.put("apps", apps.list(null, guid, null, 0, Integer.MAX_VALUE).stream().map(a -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("guid", a.guid());
            one.put("name", a.name());
            one.put("state", a.state());
            one.put("memory", a.memory());
            one.put("disk_quota", a.diskQuota());
            one.put("instances", a.instances());
            one.put("running_instances", shapes.runningInstances(a));
            one.put("urls", routes.routesOf(a.guid()).stream().map(Route::uri).toList());
            one.put("service_names", services.bindings(a.guid(), null).stream()
                    .map(b -> instances.stream().filter(i -> i.guid().equals(b.instanceGuid())).findFirst()
                            .map(ManagedServiceInstance::name).orElse(b.instanceGuid())).toList());
            one.put("package_state", a.packageState());
            one.put("space_guid", a.spaceGuid());
            return one;
        }).toList());
        out.put("services", instances.stream().map(i -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("guid", i.guid());
            one.put("name", i.name());
            one.put("bound_app_count", services.bindings(null, i.guid()).size());
            one.put("service_plan", Map.of("guid", i.planGuid(), "name", i.plan(),
                    "service", Map.of("guid", i.serviceGuid(), "label", i.label())));
            return one;
        }).toList());
        return out;
    }

    @GET
    @Path("{guid}/{role: developers|managers|auditors}")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> holders(@PathParam("guid") String guid, @PathParam("role") String role,
                                       @Context UriInfo uri, @Context SecurityContext security) {
        find(tenancy.access(security), guid, Op.SPACE_READ);
        return roles.page(uri, tenancy.roles().holders(guid, role(role)));
    }

    @PUT
    @Path("{guid}/{role: developers|managers|auditors}/{user}")
    @Allow(Op.SPACE_MANAGE)
    public Response grant(@PathParam("guid") String guid, @PathParam("role") String role,
                          @PathParam("user") String user, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Space space = find(access, guid, Op.SPACE_MANAGE);
        roles.grant(access.caller(), space, role(role), roles.byGuid(user));
        return Response.status(Response.Status.CREATED).entity(AppShapes.space(space)).build();
    }

    /** Gives a role by user name: {@code {"username": "..."}}. */
    @PUT
    @Path("{guid}/{role: developers|managers|auditors}")
    @Allow(Op.SPACE_MANAGE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response grantByName(@PathParam("guid") String guid, @PathParam("role") String role, String body,
                                @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Space space = find(access, guid, Op.SPACE_MANAGE);
        roles.grant(access.caller(), space, role(role), roles.byName(body));
        return Response.status(Response.Status.CREATED).entity(AppShapes.space(space)).build();
    }

    @DELETE
    @Path("{guid}/{role: developers|managers|auditors}/{user}")
    @Allow(Op.SPACE_MANAGE)
    public Response revoke(@PathParam("guid") String guid, @PathParam("role") String role,
                           @PathParam("user") String user, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Space space = find(access, guid, Op.SPACE_MANAGE);
        roles.revoke(access.caller(), space, role(role), roles.byGuid(user));
        return Response.noContent().build();
    }

    /** Takes a role by user name, as newer clients ask: {@code DELETE} with {@code {"username": "..."}}. */
    @DELETE
    @Path("{guid}/{role: developers|managers|auditors}")
    @Allow(Op.SPACE_MANAGE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response revokeByNameDelete(@PathParam("guid") String guid, @PathParam("role") String role, String body,
                                       @Context SecurityContext security) {
        return revokeByName(guid, role, body, security);
    }

    /** Takes a role by user name: {@code {"username": "..."}}. */
    @POST
    @Path("{guid}/{role: developers|managers|auditors}/remove")
    @Allow(Op.SPACE_MANAGE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response revokeByName(@PathParam("guid") String guid, @PathParam("role") String role, String body,
                                 @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Space space = find(access, guid, Op.SPACE_MANAGE);
        roles.revoke(access.caller(), space, role(role), roles.byName(body));
        return Response.noContent().build();
    }

    private Space find(Access access, String guid, Op op) {
        return tenancy.space(access, guid, op, () -> CfException.spaceNotFound(guid));
    }

    private static SpaceRole role(String path) {
        return SpaceRole.of(path).orElseThrow(CfException::unknownRequest);
    }

    private static String name(String name) {
        if (name == null || name.isBlank() || name.length() > OrganizationResource.MAX_NAME) {
            throw CfException.spaceInvalid("name must have 1 to " + OrganizationResource.MAX_NAME + " characters");
        }
        return name.trim();
    }
}
