package io.strato.role.controller.rest;

import javax.ws.rs.core.SecurityContext;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Access;
import io.strato.role.controller.apps.App;
import io.strato.role.controller.apps.AppStore;
import io.strato.role.controller.apps.AppRuntime;
import io.strato.role.controller.apps.Route;
import io.strato.role.controller.apps.RouteStore;
import java.util.List;
import java.util.Map;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;

/**
 * {@code /v2/apps/:guid/routes}: which routes lead to an app. Instances learn their routes from their start
 * order, so a change restarts the app's running instances with the new set (the usual push maps routes
 * before the first start, when nothing runs yet).
 */
@Path("/v2/apps/{guid}/routes")
@Produces(MediaType.APPLICATION_JSON)
public class AppRouteResource {

    /** Applies a changed route set (or other start order settings) to an app's running instances. */
    public static final class Remapper {
        private final AppRuntime runtime;

        public Remapper(AppRuntime runtime) {
            this.runtime = runtime;
        }

        void routesChanged(String appGuid) {
            runtime.restart(appGuid);
        }
    }

    private final Lookup lookup;
    private final RouteStore routes;
    private final Remapper remapper;
    private final AppShapes shapes;

    public AppRouteResource(Lookup lookup, RouteStore routes, AppRuntime runtime, Remapper remapper) {
        this.lookup = lookup;
        this.routes = routes;
        this.remapper = remapper;
        this.shapes = new AppShapes(runtime);
    }

    @GET
    @Allow(Op.SPACE_READ)
    public Map<String, Object> list(@PathParam("guid") String guid, @Context UriInfo uri,
                                    @Context SecurityContext security) {
        lookup.app(lookup.tenancy().access(security), guid, Op.SPACE_READ);
        List<Route> all = routes.routesOf(guid);
        Shapes.Paging paging = Shapes.Paging.of(uri);
        List<Route> page = all.subList(Math.min(paging.offset(), all.size()),
                Math.min(paging.offset() + paging.perPage(), all.size()));
        return Shapes.page(uri, paging, all.size(), page, AppShapes::route);
    }

    /** Maps a route of the app's own space (a route of another space is as unknown as one that does not exist). */
    @PUT
    @Path("{route}")
    @Allow(Op.SPACE_WRITE)
    public Response map(@PathParam("guid") String guid, @PathParam("route") String routeGuid,
                        @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        Lookup.In<App> app = lookup.app(access, guid, Op.SPACE_WRITE);
        Route route = lookup.route(access, routeGuid, Op.SPACE_READ).thing();
        if (!route.spaceGuid().equals(app.space().guid())) {
            throw CfException.invalidRelation("The route and the app are in different spaces: " + routeGuid);
        }
        if (routes.map(guid, routeGuid)) {
            remapper.routesChanged(guid);
        }
        return Response.status(Response.Status.CREATED).entity(shapes.app(app.thing(), true)).build();
    }

    @DELETE
    @Path("{route}")
    @Allow(Op.SPACE_WRITE)
    public Response unmap(@PathParam("guid") String guid, @PathParam("route") String routeGuid,
                          @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        lookup.app(access, guid, Op.SPACE_WRITE);
        lookup.route(access, routeGuid, Op.SPACE_READ);
        if (routes.unmap(guid, routeGuid)) {
            remapper.routesChanged(guid);
        }
        return Response.noContent().build();
    }
}
