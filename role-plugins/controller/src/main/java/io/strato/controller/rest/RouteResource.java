package io.strato.controller.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.api.cluster.ClusterView;
import io.strato.controller.ControllerSchema;
import io.strato.controller.Sql;
import io.strato.controller.apps.Route;
import io.strato.controller.apps.RouteStore;
import io.strato.controller.apps.SharedDomain;
import io.strato.controller.apps.SpaceStore;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
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
import javax.ws.rs.core.UriInfo;

/** {@code /v2/routes}: host names under the shared domain. */
@Path("/v2/routes")
@Produces(MediaType.APPLICATION_JSON)
public class RouteResource {

    /** The controller answers at api.&lt;domain&gt; itself, so no app may take that host. */
    static final String RESERVED_HOST = "api";
    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final RouteStore routes;
    private final SpaceStore spaces;
    private final ClusterView cluster;
    private final AppRouteResource.Remapper remapper;

    public RouteResource(RouteStore routes, SpaceStore spaces, ClusterView cluster, AppRouteResource.Remapper remapper) {
        this.routes = routes;
        this.spaces = spaces;
        this.cluster = cluster;
        this.remapper = remapper;
    }

    @GET
    public Map<String, Object> list(@Context UriInfo uri) {
        Shapes.Paging paging = Shapes.Paging.of(uri);
        String host = Shapes.filter(uri, "host");
        return Shapes.page(uri, paging, routes.count(host), routes.list(host, paging.offset(), paging.perPage()),
                AppShapes::route);
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response create(String body) {
        ObjectNode json = Bodies.object(body);
        String host = Optional.ofNullable(Bodies.text(json, "host")).orElse("").toLowerCase(Locale.ROOT);
        if (!HOST.matcher(host).matches()) {
            throw CfException.routeInvalid("host must be 1 to 63 letters, digits or dashes, not starting or ending with a dash");
        }
        SharedDomain domain = SharedDomain.of(cluster.config().appDomain());
        String domainGuid = Optional.ofNullable(Bodies.text(json, "domain_guid")).orElse(domain.guid());
        if (!domainGuid.equals(domain.guid())) {
            throw CfException.domainNotFound(domainGuid);
        }
        String space = Optional.ofNullable(Bodies.text(json, "space_guid")).orElse(ControllerSchema.DEFAULT_SPACE_GUID);
        if (spaces.space(space).isEmpty()) {
            throw CfException.spaceNotFound(space);
        }
        if (host.equals(RESERVED_HOST)) {
            throw CfException.routeHostTaken(host);
        }
        Route route = new Route(UUID.randomUUID().toString(), host, domain.guid(), domain.name(), space,
                System.currentTimeMillis());
        try {
            routes.create(route);
        } catch (Sql.DuplicateKeyException e) {
            throw CfException.routeHostTaken(host);
        }
        return Response.status(Response.Status.CREATED).entity(AppShapes.route(route)).build();
    }

    @GET
    @Path("{guid}")
    public Map<String, Object> get(@PathParam("guid") String guid) {
        return AppShapes.route(routes.find(guid).orElseThrow(() -> CfException.routeNotFound(guid)));
    }

    /** Deleting a route unmaps it from its apps, whose instances then restart without it. */
    @DELETE
    @Path("{guid}")
    public Response delete(@PathParam("guid") String guid) {
        routes.find(guid).orElseThrow(() -> CfException.routeNotFound(guid));
        var apps = routes.appsOf(guid);
        routes.delete(guid);
        apps.forEach(remapper::routesChanged);
        return Response.noContent().build();
    }
}
