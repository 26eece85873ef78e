package io.strato.controller.rest;

import io.strato.controller.apps.App;
import io.strato.controller.apps.AppStore;
import io.strato.controller.apps.AppRuntime;
import io.strato.controller.apps.Route;
import io.strato.controller.apps.RouteStore;
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

    private final AppStore apps;
    private final RouteStore routes;
    private final Remapper remapper;
    private final AppShapes shapes;

    public AppRouteResource(AppStore apps, RouteStore routes, AppRuntime runtime, Remapper remapper) {
        this.apps = apps;
        this.routes = routes;
        this.remapper = remapper;
        this.shapes = new AppShapes(runtime);
    }

    @GET
    public Map<String, Object> list(@PathParam("guid") String guid, @Context UriInfo uri) {
        find(guid);
        List<Route> all = routes.routesOf(guid);
        Shapes.Paging paging = Shapes.Paging.of(uri);
        List<Route> page = all.subList(Math.min(paging.offset(), all.size()),
                Math.min(paging.offset() + paging.perPage(), all.size()));
        return Shapes.page(uri, paging, all.size(), page, AppShapes::route);
    }

    @PUT
    @Path("{route}")
    public Response map(@PathParam("guid") String guid, @PathParam("route") String routeGuid) {
        App app = find(guid);
        routes.find(routeGuid).orElseThrow(() -> CfException.routeNotFound(routeGuid));
        if (routes.map(guid, routeGuid)) {
            remapper.routesChanged(guid);
        }
        return Response.status(Response.Status.CREATED).entity(shapes.app(app)).build();
    }

    @DELETE
    @Path("{route}")
    public Response unmap(@PathParam("guid") String guid, @PathParam("route") String routeGuid) {
        find(guid);
        routes.find(routeGuid).orElseThrow(() -> CfException.routeNotFound(routeGuid));
        if (routes.unmap(guid, routeGuid)) {
            remapper.routesChanged(guid);
        }
        return Response.noContent().build();
    }

    private App find(String guid) {
        return apps.find(guid).orElseThrow(() -> CfException.appNotFound(guid));
    }
}
