package io.strato.role.controller.rest;

import io.strato.role.controller.apps.App;
import io.strato.role.controller.apps.AppStore;
import io.strato.role.controller.apps.Route;
import io.strato.role.controller.apps.RouteStore;
import io.strato.role.controller.apps.Domain;
import io.strato.role.controller.jobs.JobStore;
import io.strato.role.controller.tenancy.Access;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.Organization;
import io.strato.role.controller.tenancy.Space;
import io.strato.role.controller.tenancy.Tenancy;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;

/**
 * The part of the Cloud Controller v3 API that v2-era clients look things up by: organizations, spaces and apps
 * by name ({@code names=}, {@code organization_guids=}, {@code space_guids=}, {@code guids=}), one app and its
 * environment. Lists have v3's {@code {pagination, resources}} shape and errors v3's {@code {errors: [...]}};
 * what the caller may not see is left out of lists and answers 404 CF-ResourceNotFound.
 */
@Path("/v3")
@Produces(MediaType.APPLICATION_JSON)
public class V3Resource {

    static final int DEFAULT_PER_PAGE = 50;
    static final int MAX_PER_PAGE = 5000;

    private final Tenancy tenancy;
    private final AppStore apps;
    private final AppResource appResource;
    private final RouteStore routes;
    private final RouteResource routeResource;
    private final JobStore jobs;
    private final Domains domains;
    private final String externalUrl;

    public V3Resource(Tenancy tenancy, AppStore apps, AppResource appResource, RouteStore routes,
                      RouteResource routeResource, JobStore jobs, Domains domains, String externalUrl) {
        this.tenancy = tenancy;
        this.apps = apps;
        this.appResource = appResource;
        this.routes = routes;
        this.routeResource = routeResource;
        this.jobs = jobs;
        this.domains = domains;
        this.externalUrl = externalUrl;
    }

    @GET
    @Path("organizations")
    @Allow(Op.ANY_USER)
    public Map<String, Object> organizations(@Context UriInfo uri, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Set<String> names = values(uri, "names");
        Set<String> guids = values(uri, "guids");
        return V3Errors.v3(() -> page(uri, tenancy.orgs().organizations(null, access.visibleOrgs()).stream()
                .filter(in(names, Organization::name)).filter(in(guids, Organization::guid)).toList(), this::organization));
    }

    @GET
    @Path("organizations/{guid}")
    @Allow(Op.ORG_READ)
    public Map<String, Object> organization(@PathParam("guid") String guid, @Context SecurityContext security) {
        return V3Errors.v3(() -> organization(tenancy.organization(tenancy.access(security), guid, Op.ORG_READ,
                () -> V3Errors.notFound("Organization"))));
    }

    @GET
    @Path("spaces")
    @Allow(Op.ANY_USER)
    public Map<String, Object> spaces(@Context UriInfo uri, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Set<String> names = values(uri, "names");
        Set<String> guids = values(uri, "guids");
        Set<String> orgs = values(uri, "organization_guids");
        return V3Errors.v3(() -> page(uri, tenancy.orgs().spaces(null, null, access.visibleSpaces()).stream()
                .filter(in(names, Space::name)).filter(in(guids, Space::guid)).filter(in(orgs, Space::orgGuid)).toList(),
                this::space));
    }

    @GET
    @Path("spaces/{guid}")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> space(@PathParam("guid") String guid, @Context SecurityContext security) {
        return V3Errors.v3(() -> space(tenancy.space(tenancy.access(security), guid, Op.SPACE_READ,
                () -> V3Errors.notFound("Space"))));
    }

    @GET
    @Path("apps")
    @Allow(Op.ANY_USER)
    public Map<String, Object> apps(@Context UriInfo uri, @Context SecurityContext security) {
        Access access = tenancy.access(security);
        Set<String> names = values(uri, "names");
        Set<String> guids = values(uri, "guids");
        Set<String> spaces = values(uri, "space_guids");
        String oneName = names != null && names.size() == 1 ? names.iterator().next() : null;
        String oneSpace = spaces != null && spaces.size() == 1 ? spaces.iterator().next() : null;
        return V3Errors.v3(() -> page(uri, apps.list(oneName, oneSpace, access.visibleSpaces(), 0, Integer.MAX_VALUE)
                .stream().filter(in(names, App::name)).filter(in(guids, App::guid)).filter(in(spaces, App::spaceGuid))
                .toList(), this::app));
    }

    @GET
    @Path("apps/{guid}")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> app(@PathParam("guid") String guid, @Context SecurityContext security) {
        return V3Errors.v3(() -> app(findApp(tenancy.access(security), guid, Op.SPACE_READ)));
    }

    /** The app's environment in v3's shape: what {@code GET /v2/apps/:guid/env} shows, under v3's names. */
    @GET
    @Path("apps/{guid}/env")
    @Allow(Op.SPACE_SECRETS)
    public Map<String, Object> env(@PathParam("guid") String guid, @Context SecurityContext security) {
        return V3Errors.v3(() -> {
            findApp(tenancy.access(security), guid, Op.SPACE_SECRETS);
            Map<String, Object> v2 = appResource.env(guid, security);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("staging_env_json", v2.get("staging_env_json"));
            out.put("running_env_json", v2.get("running_env_json"));
            out.put("environment_variables", v2.get("environment_json"));
            out.put("system_env_json", v2.get("system_env_json"));
            out.put("application_env_json", v2.get("application_env_json"));
            return out;
        });
    }

    /** The domains an organization may use: the shared ones and its own private ones. */
    @GET
    @Path("organizations/{guid}/domains")
    @Allow(Op.ORG_READ)
    public Map<String, Object> organizationDomains(@PathParam("guid") String guid, @Context UriInfo uri,
                                                   @Context SecurityContext security) {
        Set<String> names = values(uri, "names");
        return V3Errors.v3(() -> {
            Access access = tenancy.access(security);
            tenancy.organization(access, guid, Op.ORG_READ, () -> V3Errors.notFound("Organization"));
            List<Domain> usable = new java.util.ArrayList<>(domains.shared(null));
            usable.addAll(domains.privateDomains(access, guid, null));
            return page(uri, usable.stream().filter(in(names, Domain::name)).toList(), this::domain);
        });
    }

    /** Whether a route of that host (and path) exists in the domain, whoever's it is: hosts are unique. */
    @GET
    @Path("domains/{guid}/route_reservations")
    @Allow(Op.ANY_USER)
    public Map<String, Object> routeReservations(@PathParam("guid") String guid, @Context UriInfo uri) {
        return V3Errors.v3(() -> {
            if (domains.find(guid).isEmpty()) {
                throw V3Errors.notFound("Domain");
            }
            String host = Optional.ofNullable(uri.getQueryParameters().getFirst("host")).orElse("");
            String path = Optional.ofNullable(uri.getQueryParameters().getFirst("path")).orElse("");
            boolean taken = path.isEmpty() && routes.exists(host.toLowerCase(java.util.Locale.ROOT), guid);
            return Map.of("matching_route", taken);
        });
    }

    /** Deletes a route; the answer names a job that is already complete. */
    @DELETE
    @Path("routes/{guid}")
    @Allow(Op.SPACE_WRITE)
    public Response deleteRoute(@PathParam("guid") String guid, @Context SecurityContext security) {
        return V3Errors.v3(() -> {
            Route route = routes.find(guid).orElseThrow(() -> V3Errors.notFound("Route"));
            routeResource.delete(guid, false, security);
            JobStore.Job job = jobs.finished(route.spaceGuid());
            return Response.accepted().location(java.net.URI.create(externalUrl + "/v3/jobs/" + job.guid())).build();
        });
    }

    @GET
    @Path("jobs/{guid}")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> job(@PathParam("guid") String guid, @Context SecurityContext security) {
        return V3Errors.v3(() -> {
            JobStore.Job job = jobs.find(guid).orElseThrow(() -> V3Errors.notFound("Job"));
            tenancy.space(tenancy.access(security), job.spaceGuid(), Op.SPACE_READ, () -> V3Errors.notFound("Job"));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("guid", job.guid());
            out.put("created_at", Shapes.time(job.createdAt()));
            out.put("updated_at", Shapes.time(job.createdAt()));
            out.put("operation", "route.delete");
            boolean failed = JobStore.Job.FAILED.equals(job.status());
            out.put("state", failed ? "FAILED" : "COMPLETE");
            out.put("errors", failed ? List.of(Map.of("code", job.errorCode(), "title", job.errorName(),
                    "detail", job.errorDescription())) : List.of());
            out.put("warnings", List.of());
            out.put("links", Map.of("self", Map.of("href", externalUrl + "/v3/jobs/" + job.guid())));
            return out;
        });
    }

    private Map<String, Object> domain(Domain d) {
        Map<String, Object> relationships = new LinkedHashMap<>();
        relationships.put("organization", relation(d.owningOrgGuid()));
        relationships.put("shared_organizations", Map.of("data", List.of()));
        return resource(d.guid(), d.createdAt(), "domains", Map.of(
                "name", d.name(),
                "internal", false,
                "supported_protocols", List.of("http"),
                "relationships", relationships));
    }

    private App findApp(Access access, String guid, Op op) {
        App app = apps.find(guid).orElseThrow(() -> V3Errors.notFound("App"));
        tenancy.space(access, app.spaceGuid(), op, () -> V3Errors.notFound("App"));
        return app;
    }

    private Map<String, Object> organization(Organization o) {
        return resource(o.guid(), o.createdAt(), "organizations", Map.of(
                "name", o.name(),
                "suspended", false,
                "relationships", Map.of("quota", relation(o.quotaGuid()))));
    }

    private Map<String, Object> space(Space s) {
        return resource(s.guid(), s.createdAt(), "spaces", Map.of(
                "name", s.name(),
                "relationships", Map.of("organization", relation(s.orgGuid()), "quota", relation(s.spaceQuotaGuid()))));
    }

    private Map<String, Object> app(App a) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("buildpacks", a.buildpack() == null ? List.of() : List.of(a.buildpack()));
        data.put("stack", StackResource.NAME);
        return resource(a.guid(), a.createdAt(), "apps", Map.of(
                "name", a.name(),
                "state", a.state(),
                "lifecycle", Map.of("type", "buildpack", "data", data),
                "relationships", Map.of("space", relation(a.spaceGuid()))));
    }

    private Map<String, Object> resource(String guid, long createdAt, String collection, Map<String, Object> fields) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("guid", guid);
        // v3 clients require both times; what has none (the shared domain) shows the epoch
        String at = java.time.Instant.ofEpochMilli(Math.max(0, createdAt)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
        r.put("created_at", at);
        r.put("updated_at", at);
        r.putAll(fields);
        r.put("metadata", Map.of("labels", Map.of(), "annotations", Map.of()));
        r.put("links", Map.of("self", Map.of("href", externalUrl + "/v3/" + collection + "/" + guid)));
        return r;
    }

    private static Map<String, Object> relation(String guid) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("data", guid == null ? null : Map.of("guid", guid));
        return data;
    }

    /** One page, as cloud_controller_ng's v3 paginator: an empty list still has one (empty) page. */
    private <T> Map<String, Object> page(UriInfo uri, List<T> all, Function<T, Map<String, Object>> shape) {
        int page = number(uri, "page", 1);
        int perPage = number(uri, "per_page", DEFAULT_PER_PAGE);
        if (page < 1 || perPage < 1 || perPage > MAX_PER_PAGE) {
            throw V3Errors.badQuery("page must be 1 or more, per_page between 1 and " + MAX_PER_PAGE);
        }
        int last = Math.max(1, (all.size() + perPage - 1) / perPage);
        int from = (int) Math.min(all.size(), (long) (page - 1) * perPage);
        Map<String, Object> pagination = new LinkedHashMap<>();
        pagination.put("total_results", all.size());
        pagination.put("total_pages", last);
        pagination.put("first", link(uri, 1, perPage));
        pagination.put("last", link(uri, last, perPage));
        pagination.put("next", page < last ? link(uri, page + 1, perPage) : null);
        pagination.put("previous", page > 1 ? link(uri, page - 1, perPage) : null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pagination", pagination);
        out.put("resources", all.subList(from, Math.min(all.size(), from + perPage)).stream().map(shape).toList());
        return out;
    }

    private Map<String, Object> link(UriInfo uri, int page, int perPage) {
        StringBuilder href = new StringBuilder(externalUrl).append("/").append(uri.getPath()).append("?page=")
                .append(page).append("&per_page=").append(perPage);
        uri.getQueryParameters().forEach((key, values) -> {
            if (!key.equals("page") && !key.equals("per_page")) {
                values.forEach(v -> href.append("&").append(key).append("=")
                        .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
            }
        });
        return Map.of("href", href.toString());
    }

    private static int number(UriInfo uri, String name, int fallback) {
        String value = uri.getQueryParameters().getFirst(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw V3Errors.badQuery(name + " must be a number");
        }
    }

    /** A comma-separated list filter ({@code names=a,b}), or null when the query has none. */
    private static Set<String> values(UriInfo uri, String name) {
        List<String> given = uri.getQueryParameters().get(name);
        if (given == null) {
            return null;
        }
        return given.stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::trim)
                .collect(Collectors.toSet());
    }

    private static <T> Predicate<T> in(Set<String> wanted, Function<T, String> field) {
        return t -> wanted == null || wanted.contains(field.apply(t));
    }

    /** v3's error shape for what the shared lookups raise in v2's. */
    static final class V3Errors {
        private V3Errors() {
        }

        static CfException notFound(String what) {
            return new CfException(404, 10010, "CF-ResourceNotFound", what + " not found");
        }

        static CfException badQuery(String detail) {
            return new CfException(400, 10005, "CF-BadQueryParameter", "The query parameter is invalid: " + detail);
        }

        static <T> T v3(Supplier<T> call) {
            try {
                return call.get();
            } catch (CfException e) {
                throw new V3Exception(e);
            }
        }
    }

    /** A Cloud Controller error to be answered in v3's form: {@code {"errors": [{code, title, detail}]}}. */
    public static final class V3Exception extends RuntimeException {
        private final CfException error;

        V3Exception(CfException error) {
            super(error.getMessage(), error);
            this.error = error;
        }

        public Response response() {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("code", error.code());
            one.put("title", error.errorCode());
            one.put("detail", error.getMessage());
            return Response.status(error.status()).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("errors", List.of(one))).build();
        }
    }

    public static final class V3ExceptionMapper implements javax.ws.rs.ext.ExceptionMapper<V3Exception> {
        @Override
        public Response toResponse(V3Exception e) {
            return e.response();
        }
    }
}
