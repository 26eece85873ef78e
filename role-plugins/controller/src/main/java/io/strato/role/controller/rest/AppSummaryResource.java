package io.strato.role.controller.rest;

import io.strato.role.controller.apps.App;
import io.strato.role.controller.apps.AppRuntime;
import io.strato.role.controller.apps.Route;
import io.strato.role.controller.apps.RouteStore;
import io.strato.role.controller.services.ManagedServiceInstance;
import io.strato.role.controller.services.ServiceStore;
import io.strato.role.controller.tenancy.Access;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import java.util.LinkedHashMap;
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

/**
 * {@code GET /v2/apps/:guid/summary}: the app with its routes, running instance count and bound service
 * instances, as {@code cf app} and the Cloud Foundry clients read it.
 */
@Path("/v2/apps/{guid}/summary")
@Produces(MediaType.APPLICATION_JSON)
public class AppSummaryResource {

    private final Lookup lookup;
    private final RouteStore routes;
    private final ServiceStore services;
    private final AppShapes shapes;

    public AppSummaryResource(Lookup lookup, RouteStore routes, ServiceStore services, AppRuntime runtime) {
        this.lookup = lookup;
        this.routes = routes;
        this.services = services;
        this.shapes = new AppShapes(runtime);
    }

    @GET
    @Allow(Op.SPACE_READ)
    @SuppressWarnings("unchecked")
    public Map<String, Object> summary(@PathParam("guid") String guid, @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        App app = lookup.app(access, guid, Op.SPACE_READ).thing();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("guid", app.guid());
        out.putAll((Map<String, Object>) shapes.app(app, access.seesSecrets(app.spaceGuid())).get("entity"));
        out.put("running_instances", shapes.runningInstances(app));
        out.put("routes", routes.routesOf(guid).stream().map(AppSummaryResource::route).toList());
        out.put("services", services.bindings(guid, null).stream().map(b -> services.instance(b.instanceGuid()))
                .flatMap(Optional::stream).map(AppSummaryResource::service).toList());
        out.put("available_domains", routes.routesOf(guid).stream().map(r -> Map.of("guid", r.domainGuid(),
                "name", r.domainName())).distinct().toList());
        return out;
    }

    private static Map<String, Object> route(Route r) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("guid", r.guid());
        one.put("host", r.host());
        one.put("port", null);
        one.put("path", "");
        one.put("domain", Map.of("guid", r.domainGuid(), "name", r.domainName()));
        return one;
    }

    private static Map<String, Object> service(ManagedServiceInstance i) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("guid", i.guid());
        one.put("name", i.name());
        one.put("bound_app_count", null);
        one.put("dashboard_url", null);
        one.put("service_plan", Map.of("guid", i.planGuid(), "name", i.plan(),
                "service", Map.of("guid", i.serviceGuid(), "label", i.label(), "provider", "core", "version", "")));
        return one;
    }
}
