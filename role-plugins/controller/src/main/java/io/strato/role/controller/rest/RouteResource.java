package io.strato.role.controller.rest;

import javax.ws.rs.core.SecurityContext;
import java.util.Set;
import io.strato.role.controller.tenancy.Space;
import io.strato.role.controller.tenancy.QuotaCheck;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.AuditLog;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Access;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.api.app.PlatformHosts;
import io.strato.role.controller.Sql;
import io.strato.role.controller.apps.Route;
import io.strato.role.controller.apps.RouteStore;
import io.strato.role.controller.apps.Domain;
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
import javax.ws.rs.QueryParam;
import io.strato.role.controller.jobs.JobStore;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;

/** {@code /v2/routes}: host names under a shared domain or a private domain of the space's organization. */
@Path("/v2/routes")
@Produces(MediaType.APPLICATION_JSON)
public class RouteResource {

    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final RouteStore routes;
    private final Lookup lookup;
    private final QuotaCheck quotas;
    private final AuditLog audit;
    private final Domains domains;
    private final AppRouteResource.Remapper remapper;

    private final JobStore jobs;

    public RouteResource(RouteStore routes, Lookup lookup, QuotaCheck quotas, AuditLog audit, Domains domains,
                         AppRouteResource.Remapper remapper, JobStore jobs) {
        this.routes = routes;
        this.lookup = lookup;
        this.quotas = quotas;
        this.audit = audit;
        this.domains = domains;
        this.remapper = remapper;
        this.jobs = jobs;
    }

    @GET
    @Allow(Op.ANY_USER)
    public Map<String, Object> list(@Context UriInfo uri, @Context SecurityContext security) {
        return page(uri, lookup.tenancy().access(security), Shapes.filter(uri, "space_guid"));
    }

    /** A page of the routes the caller sees, by {@code q=host:} and in one space or all. */
    Map<String, Object> page(UriInfo uri, Access access, String spaceGuid) {
        Shapes.Paging paging = Shapes.Paging.of(uri);
        String host = Shapes.filter(uri, "host");
        Set<String> visible = access.visibleSpaces();
        return Shapes.page(uri, paging, routes.count(host, spaceGuid, visible),
                routes.list(host, spaceGuid, visible, paging.offset(), paging.perPage()), AppShapes::route);
    }

    @POST
    @Allow(Op.SPACE_WRITE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response create(String body, @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        ObjectNode json = Bodies.object(body);
        String host = Optional.ofNullable(Bodies.text(json, "host")).orElse("").toLowerCase(Locale.ROOT);
        if (!host.isEmpty() && !HOST.matcher(host).matches()) {
            throw CfException.routeInvalid("host must be 1 to 63 letters, digits or dashes, not starting or ending with a dash");
        }
        String domainGuid = Bodies.text(json, "domain_guid");
        Space space = lookup.target(access, Bodies.text(json, "space_guid"), Op.SPACE_WRITE);
        Domain domain = domainGuid == null ? domains.appDomain() : domains.forRoute(domainGuid, space);
        if (host.isEmpty() && domain.shared()) {
            throw CfException.routeInvalid("host is required for shared domains");
        }
        if (domain.guid().equals(domains.appDomain().guid()) && PlatformHosts.ALL.contains(host)) {
            throw CfException.routeHostTaken(host);
        }
        if (routes.uriTaken(host.isEmpty() ? domain.name() : host + "." + domain.name())) {
            throw CfException.routeHostTaken(host);
        }
        quotas.route(space);
        Route route = new Route(UUID.randomUUID().toString(), host, domain.guid(), domain.name(), space.guid(),
                System.currentTimeMillis());
        try {
            routes.create(route);
        } catch (Sql.DuplicateKeyException e) {
            throw CfException.routeHostTaken(host);
        }
        audit.record("audit.route.create", access.caller(), actee(route, space), Map.of("request", json));
        return Response.status(Response.Status.CREATED).entity(AppShapes.route(route)).build();
    }

    @GET
    @Path("{guid}")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> get(@PathParam("guid") String guid, @Context SecurityContext security) {
        return AppShapes.route(lookup.route(lookup.tenancy().access(security), guid, Op.SPACE_READ).thing());
    }

    /** Deleting a route unmaps it from its apps, whose instances then restart without it. */
    @DELETE
    @Path("{guid}")
    @Allow(Op.SPACE_WRITE)
    public Response delete(@PathParam("guid") String guid, @QueryParam("async") boolean async,
                           @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        Lookup.In<Route> found = lookup.route(access, guid, Op.SPACE_WRITE);
        delete(found.thing());
        audit.record("audit.route.delete-request", access.caller(), actee(found.thing(), found.space()), Map.of());
        return async ? JobResource.accepted(202, jobs.finished(found.space().guid())) : Response.noContent().build();
    }

    /** Deletes a route and restarts the apps it led to without it. */
    void delete(Route route) {
        var apps = routes.appsOf(route.guid());
        routes.delete(route.guid());
        apps.forEach(remapper::routesChanged);
    }

    private static AuditLog.Actee actee(Route route, Space space) {
        return new AuditLog.Actee(route.guid(), "route", route.host(), space.guid(), space.orgGuid());
    }
}
