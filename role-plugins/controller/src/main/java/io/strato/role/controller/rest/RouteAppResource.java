package io.strato.role.controller.rest;

import io.strato.role.controller.apps.App;
import io.strato.role.controller.apps.AppRuntime;
import io.strato.role.controller.apps.AppStore;
import io.strato.role.controller.apps.RouteStore;
import io.strato.role.controller.tenancy.Access;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;

/** {@code GET /v2/routes/:guid/apps}: the apps a route leads to (all in the route's space). */
@Path("/v2/routes/{guid}/apps")
@Produces(MediaType.APPLICATION_JSON)
public class RouteAppResource {

    private final Lookup lookup;
    private final RouteStore routes;
    private final AppStore apps;
    private final AppShapes shapes;

    public RouteAppResource(Lookup lookup, RouteStore routes, AppStore apps, AppRuntime runtime) {
        this.lookup = lookup;
        this.routes = routes;
        this.apps = apps;
        this.shapes = new AppShapes(runtime);
    }

    @GET
    @Allow(Op.SPACE_READ)
    public Map<String, Object> list(@PathParam("guid") String guid, @Context UriInfo uri,
                                    @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        Lookup.In<io.strato.role.controller.apps.Route> route = lookup.route(access, guid, Op.SPACE_READ);
        List<App> mapped = routes.appsOf(guid).stream().map(apps::find).flatMap(Optional::stream).toList();
        boolean secrets = access.seesSecrets(route.space().guid());
        return ServiceShapes.page(uri, mapped, a -> shapes.app(a, secrets));
    }
}
