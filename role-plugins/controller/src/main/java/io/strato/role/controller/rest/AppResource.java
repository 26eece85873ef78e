package io.strato.role.controller.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.api.app.AppHealth;
import io.strato.api.app.InstanceState;
import io.strato.api.app.InstanceStatus;
import io.strato.api.app.InstanceUsage;
import io.strato.api.json.Json;
import io.strato.role.controller.ControllerSettings;
import io.strato.role.controller.Sql;
import io.strato.role.controller.apps.App;
import io.strato.role.controller.apps.AppStore;
import io.strato.role.controller.apps.AppRuntime;
import io.strato.role.controller.apps.AppUids;
import io.strato.role.controller.apps.LogBuffer;
import io.strato.role.controller.apps.Route;
import io.strato.role.controller.apps.RouteStore;
import io.strato.role.controller.apps.StagingDispatcher;
import io.strato.role.controller.blob.BlobStore;
import io.strato.role.controller.services.ServiceEnvironment;
import io.strato.role.controller.services.ServiceProvisioner;
import io.strato.role.controller.tenancy.Access;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.AuditLog;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.QuotaCheck;
import io.strato.role.controller.tenancy.Space;
import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
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

/** {@code /v2/apps}: an app's desired state, and what runs of it. */
@Path("/v2/apps")
@Produces(MediaType.APPLICATION_JSON)
public class AppResource {

    public static final String STAGING_LOG_HEADER = "X-App-Staging-Log";
    private static final int MAX_ENVIRONMENT_CHARS = 32_000;
    /** 1 TB: more than any DEA offers, and far from overflowing the sums placement makes in MB. */
    static final int MAX_MEMORY_MB = 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(AppResource.class);

    private final AppStore apps;
    private final AppUids uids;
    private final Lookup lookup;
    private final QuotaCheck quotas;
    private final AuditLog audit;
    private final RouteStore routes;
    private final BlobStore blobs;
    private final LogBuffer logs;
    private final StagingDispatcher staging;
    private final AppRuntime runtime;
    private final ControllerSettings settings;
    private final ServiceEnvironment services;
    private final ServiceProvisioner provisioner;
    private final AppRouteResource.Remapper restarter;
    private final AppShapes shapes;

    public AppResource(AppStore apps, AppUids uids, Lookup lookup, QuotaCheck quotas, AuditLog audit, RouteStore routes,
                       BlobStore blobs, LogBuffer logs, StagingDispatcher staging, AppRuntime runtime,
                       ControllerSettings settings, ServiceEnvironment services, ServiceProvisioner provisioner,
                       AppRouteResource.Remapper restarter) {
        this.apps = apps;
        this.uids = uids;
        this.lookup = lookup;
        this.quotas = quotas;
        this.audit = audit;
        this.routes = routes;
        this.blobs = blobs;
        this.logs = logs;
        this.staging = staging;
        this.runtime = runtime;
        this.settings = settings;
        this.services = services;
        this.provisioner = provisioner;
        this.restarter = restarter;
        this.shapes = new AppShapes(runtime);
    }

    @GET
    @Allow(Op.ANY_USER)
    public Map<String, Object> list(@Context UriInfo uri, @Context SecurityContext security) {
        return page(uri, lookup.tenancy().access(security), Shapes.filter(uri, "space_guid"));
    }

    /** A page of the apps the caller sees, by {@code q=name:} and in one space or all. */
    Map<String, Object> page(UriInfo uri, Access access, String spaceGuid) {
        Shapes.Paging paging = Shapes.Paging.of(uri);
        String name = Shapes.filter(uri, "name");
        Set<String> visible = access.visibleSpaces();
        AppStore.Page page = apps.page(name, spaceGuid, visible, paging.offset(), paging.perPage());
        return Shapes.page(uri, paging, page.total(), page.items(), a -> shapes.app(a, access.seesSecrets(a.spaceGuid())));
    }

    @POST
    @Allow(Op.SPACE_WRITE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response create(String body, @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        ObjectNode json = Bodies.object(body);
        String name = Bodies.text(json, "name");
        if (name == null || name.isBlank()) {
            throw CfException.appInvalid("name is required");
        }
        Space space = lookup.target(access, Bodies.text(json, "space_guid"), Op.SPACE_WRITE);
        long now = System.currentTimeMillis();
        App app = new App(UUID.randomUUID().toString(), name, space.guid(), 256, 1, 1024, App.STOPPED, null, null, "{}",
                null, 0, App.PENDING, null, null, null, null, null, null, UUID.randomUUID().toString(), now, now, 0);
        app = applySettings(app, json);
        quotas.app(space, null, app);
        try {
            apps.create(app);
        } catch (Sql.DuplicateKeyException e) {
            throw CfException.appNameTaken(name);
        }
        try {
            uids.assign(app.guid());
        } catch (AppUids.RangeExhaustedException e) {
            apps.delete(app.guid());
            throw CfException.serviceUnavailable("The app could not be created: " + e.getMessage());
        } catch (RuntimeException e) {
            apps.delete(app.guid());
            throw e;
        }
        app = find(app.guid());
        LOG.info("App {} ({}) created in space {} by {}; its code runs as uid {}", app.name(), app.guid(), space.name(),
                access.caller().name(), app.appUid());
        audit.record("audit.app.create", access.caller(), actee(app, space), Map.of("request", requested(json)));
        return Response.status(Response.Status.CREATED).entity(shapes.app(app, true)).build();
    }

    @GET
    @Path("{guid}")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> get(@PathParam("guid") String guid, @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        App app = lookup.app(access, guid, Op.SPACE_READ).thing();
        return shapes.app(app, access.seesSecrets(app.spaceGuid()));
    }

    /** Changes settings; asking for STARTED stages new bits first, and the response names the staging log. */
    @PUT
    @Path("{guid}")
    @Allow(Op.SPACE_WRITE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response update(@PathParam("guid") String guid, String body, @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        ObjectNode json = Bodies.object(body);
        Lookup.In<App> found = lookup.app(access, guid, Op.SPACE_WRITE);
        App before = found.thing();
        App changed = applySettings(before, json);
        quotas.app(found.space(), before, changed);
        try {
            apps.updateSettings(changed);
        } catch (Sql.DuplicateKeyException e) {
            throw CfException.appNameTaken(changed.name());
        }
        App app = find(guid);
        Response.ResponseBuilder response = Response.status(Response.Status.CREATED);
        if (json.has("state") && app.started()) {
            Optional<String> task = staging.stageIfNeeded(app);
            if (task.isPresent()) {
                response.header(STAGING_LOG_HEADER, stagingLogUrl(settings, guid, task.get()));
                app = find(guid);
            }
        }
        if (before.started() && app.started() && needsRestart(before, app)) {
            // instances get memory, disk and command from their start order, as they get their routes
            restarter.routesChanged(guid);
        } else {
            runtime.publish(guid);
        }
        audit.record("audit.app.update", access.caller(), actee(app, found.space()), Map.of("request", requested(json)));
        return response.entity(shapes.app(app, true)).build();
    }

    @DELETE
    @Path("{guid}")
    @Allow(Op.SPACE_WRITE)
    public Response delete(@PathParam("guid") String guid, @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        Lookup.In<App> found = lookup.app(access, guid, Op.SPACE_WRITE);
        delete(found.thing());
        LOG.info("App {} ({}) deleted by {}", found.thing().name(), guid, access.caller().name());
        audit.record("audit.app.delete-request", access.caller(), actee(found.thing(), found.space()), Map.of());
        return Response.noContent().build();
    }

    /** Deletes an app: its bindings, its desired state, its logs and blobs. */
    void delete(App app) {
        String guid = app.guid();
        provisioner.unbindApp(guid);
        apps.delete(guid);
        runtime.publish(guid);
        logs.forget(guid);
        try {
            blobs.deleteApp(guid);
        } catch (IOException e) {
            LOG.warn("app {} deleted, but its blobs could not all be removed: {}", guid, e.getMessage());
        }
    }

    private static AuditLog.Actee actee(App app, Space space) {
        return new AuditLog.Actee(app.guid(), "app", app.name(), space.guid(), space.orgGuid());
    }

    /** The settings a request asked for, as the audit trail keeps them: environment values are not kept. */
    private static ObjectNode requested(ObjectNode json) {
        ObjectNode copy = json.deepCopy();
        if (copy.has("environment_json")) {
            copy.put("environment_json", AppShapes.REDACTED);
        }
        return copy;
    }

    /** Instance states by index, as {@code cf app} shows them. */
    @GET
    @Path("{guid}/instances")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> instances(@PathParam("guid") String guid, @Context SecurityContext security) {
        App app = staged(lookup.app(lookup.tenancy().access(security), guid, Op.SPACE_READ).thing());
        Map<String, Object> out = new LinkedHashMap<>();
        if (!app.started()) {
            return out;
        }
        Map<Integer, AppHealth.Flapping> flapping = flapping(guid);
        long now = System.currentTimeMillis();
        for (int index = 0; index < app.instances(); index++) {
            Optional<InstanceStatus> i = best(app, index);
            AppHealth.Flapping flap = flapping.get(index);
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("state", state(i, flap));
            one.put("since", i.map(InstanceStatus::since).orElse(now) / 1000);
            if (flap != null) {
                long seconds = Math.max(0, (flap.nextRestartAt() - now + 999) / 1000);
                one.put("details", "crashed " + flap.crashes() + " times; next restart in " + seconds + " s");
            } else {
                i.filter(s -> s.reason() != null).ifPresent(s -> one.put("details", s.reason()));
            }
            out.put(String.valueOf(index), one);
        }
        return out;
    }

    /**
     * Indexes that are FLAPPING, as Cloud Foundry calls them: in crash back-off (the health manager says so) with
     * no instance of the index running.
     */
    private Map<Integer, AppHealth.Flapping> flapping(String guid) {
        Map<Integer, AppHealth.Flapping> out = new HashMap<>();
        runtime.health(guid).ifPresent(h -> h.flapping().forEach(f -> out.put(f.index(), f)));
        if (!out.isEmpty()) {
            runtime.instancesOf(guid).stream().filter(i -> i.state() == InstanceState.RUNNING)
                    .forEach(i -> out.remove(i.index()));
        }
        return out;
    }

    private static String state(Optional<InstanceStatus> best, AppHealth.Flapping flap) {
        return flap != null ? "FLAPPING" : best.map(s -> s.state().name()).orElse("DOWN");
    }

    /** Stops the instance at an index; it is started again, as {@code cf restart-app-instance} expects. */
    @DELETE
    @Path("{guid}/instances/{index}")
    @Allow(Op.SPACE_WRITE)
    public Response restartInstance(@PathParam("guid") String guid, @PathParam("index") String index,
                                    @Context SecurityContext security) {
        App app = lookup.app(lookup.tenancy().access(security), guid, Op.SPACE_WRITE).thing();
        int i;
        try {
            i = Integer.parseInt(index);
        } catch (NumberFormatException e) {
            throw CfException.invalidRequest("the instance index must be a number");
        }
        if (i < 0 || i >= app.instances()) {
            throw new CfException(400, 220003, "CF-InstancesError", "Request failed for app: " + app.name()
                    + " as the index is out of range (0 to " + (app.instances() - 1) + ")");
        }
        runtime.stopInstances(guid, i);
        return Response.noContent().build();
    }

    /** Stages the app's bits again and starts it with the new droplet, as Cloud Foundry's restage does. */
    @POST
    @Path("{guid}/restage")
    @Allow(Op.SPACE_WRITE)
    public Response restage(@PathParam("guid") String guid, @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        Lookup.In<App> found = lookup.app(access, guid, Op.SPACE_WRITE);
        App before = found.thing();
        if (before.packageHash() == null) {
            throw CfException.notStaged();
        }
        App started = applySettings(before, Bodies.object("{\"state\":\"STARTED\"}"));
        quotas.app(found.space(), before, started);
        apps.updateSettings(started);
        apps.restage(guid);
        Response.ResponseBuilder response = Response.status(Response.Status.CREATED);
        staging.stageIfNeeded(find(guid)).ifPresent(task ->
                response.header(STAGING_LOG_HEADER, stagingLogUrl(settings, guid, task)));
        audit.record("audit.app.restage", access.caller(), actee(before, found.space()), Map.of());
        return response.entity(shapes.app(find(guid), true)).build();
    }

    @GET
    @Path("{guid}/stats")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> stats(@PathParam("guid") String guid, @Context SecurityContext security) {
        App found = lookup.app(lookup.tenancy().access(security), guid, Op.SPACE_READ).thing();
        if (!found.started()) {
            // as cloud_controller_ng answers: clients treat this code as "no stats", not as a failure
            throw new CfException(400, 200003, "CF-AppStoppedStatsError",
                    "Could not fetch stats for stopped app: " + found.name());
        }
        App app = staged(found);
        List<String> uris = routes.routesOf(guid).stream().map(Route::uri).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        Map<Integer, AppHealth.Flapping> flapping = flapping(guid);
        for (int index = 0; index < app.instances(); index++) {
            Optional<InstanceStatus> i = best(app, index);
            // zeros until the instance's DEA has measured it (every few seconds while it runs)
            Optional<InstanceUsage> measured = i.filter(s -> s.state() == InstanceState.RUNNING)
                    .flatMap(s -> runtime.usage(s.instanceId()));
            Map<String, Object> usage = new LinkedHashMap<>();
            usage.put("time", Instant.ofEpochMilli(measured.map(InstanceUsage::time).orElse(now)).toString());
            usage.put("cpu", measured.map(InstanceUsage::cpu).orElse(0.0));
            usage.put("mem", measured.map(InstanceUsage::memBytes).orElse(0L));
            usage.put("disk", measured.map(InstanceUsage::diskBytes).orElse(0L));
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("name", app.name());
            stats.put("uris", uris);
            stats.put("host", i.map(InstanceStatus::address).orElse(null));
            stats.put("port", i.map(InstanceStatus::port).orElse(null));
            stats.put("uptime", i.filter(s -> s.state() == InstanceState.RUNNING).map(s -> (now - s.since()) / 1000).orElse(0L));
            stats.put("mem_quota", app.memory() * 1024L * 1024L);
            stats.put("disk_quota", app.diskQuota() * 1024L * 1024L);
            stats.put("fds_quota", 16384);
            stats.put("usage", usage);
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("state", state(i, flapping.get(index)));
            one.put("stats", stats);
            out.put(String.valueOf(index), one);
        }
        return out;
    }

    @GET
    @Path("{guid}/env")
    @Allow(Op.SPACE_SECRETS)
    public Map<String, Object> env(@PathParam("guid") String guid, @Context SecurityContext security) {
        Lookup.In<App> found = lookup.app(lookup.tenancy().access(security), guid, Op.SPACE_SECRETS);
        App app = found.thing();
        List<String> uris = routes.routesOf(guid).stream().map(Route::uri).toList();
        String spaceName = found.space().name();
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("mem", app.memory());
        limits.put("disk", app.diskQuota());
        limits.put("fds", 16384);
        Map<String, Object> vcap = new LinkedHashMap<>();
        vcap.put("application_id", app.guid());
        vcap.put("application_name", app.name());
        vcap.put("application_uris", uris);
        vcap.put("application_version", app.version());
        vcap.put("limits", limits);
        vcap.put("name", app.name());
        vcap.put("space_id", app.spaceGuid());
        vcap.put("space_name", spaceName);
        vcap.put("uris", uris);
        vcap.put("users", null);
        vcap.put("version", app.version());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("staging_env_json", Map.of());
        out.put("running_env_json", Map.of());
        out.put("environment_json", Json.mapper().valueToTree(app.environment()));
        out.put("system_env_json", Map.of("VCAP_SERVICES", services.vcapServicesJson(guid)));
        out.put("application_env_json", Map.of("VCAP_APPLICATION", vcap));
        return out;
    }

    static String stagingLogUrl(ControllerSettings settings, String guid, String taskId) {
        return settings.externalUrl() + "/v2/apps/" + guid + "/staging_log?task=" + taskId;
    }

    private App find(String guid) {
        return apps.find(guid).orElseThrow(() -> CfException.appNotFound(guid));
    }

    /** Instances exist only for a droplet; the errors tell a client polling after a push why there are none yet. */
    private static App staged(App app) {
        if (app.dropletHash() == null) {
            throw App.FAILED.equals(app.packageState()) ? CfException.stagingError(app.stagingFailedReason())
                    : CfException.notStaged();
        }
        return app;
    }

    /** The instance to show for an index: the current droplet's first, a running one before others. */
    private Optional<InstanceStatus> best(App app, int index) {
        return runtime.instancesOf(app.guid()).stream().filter(i -> i.index() == index)
                .min(Comparator.comparing((InstanceStatus i) -> !app.version().equals(i.appVersion()))
                        .thenComparing(i -> rank(i.state())));
    }

    private static int rank(InstanceState state) {
        return switch (state) {
            case RUNNING -> 0;
            case STARTING -> 1;
            case CRASHED -> 2;
            case STOPPED -> 3;
        };
    }

    private App applySettings(App app, ObjectNode json) {
        String name = Optional.ofNullable(Bodies.text(json, "name")).orElse(app.name());
        if (name.isBlank() || name.length() > 255) {
            throw CfException.appInvalid("name must have 1 to 255 characters");
        }
        String space = Optional.ofNullable(Bodies.text(json, "space_guid")).orElse(app.spaceGuid());
        if (!space.equals(app.spaceGuid())) {
            throw CfException.appInvalid("an app cannot move to another space; push it there instead");
        }
        int memory = Optional.ofNullable(Bodies.integer(json, "memory")).orElse(app.memory());
        int instances = Optional.ofNullable(Bodies.integer(json, "instances")).orElse(app.instances());
        int disk = Optional.ofNullable(Bodies.integer(json, "disk_quota")).orElse(app.diskQuota());
        if (memory < 1 || disk < 1) {
            throw CfException.appInvalid("memory and disk_quota must be positive (MB)");
        }
        if (memory > MAX_MEMORY_MB || disk > MAX_MEMORY_MB) {
            throw CfException.appInvalid("memory and disk_quota must be at most " + MAX_MEMORY_MB + " MB");
        }
        // placement loops over the instances wanted, under its lock: an absurd count would stall it
        if (instances < 0 || instances > settings.maxInstances()) {
            throw CfException.appInvalid("instances must be between 0 and " + settings.maxInstances());
        }
        String state = Optional.ofNullable(Bodies.text(json, "state")).orElse(app.state());
        if (!state.equals(App.STARTED) && !state.equals(App.STOPPED)) {
            throw CfException.appInvalid("state must be STARTED or STOPPED");
        }
        String command = json.has("command") ? blankToNull(Bodies.text(json, "command")) : app.command();
        String buildpack = json.has("buildpack") ? blankToNull(Bodies.text(json, "buildpack")) : app.buildpack();
        String env = app.environmentJson();
        if (json.has("environment_json")) {
            ObjectNode e = Bodies.objectField(json, "environment_json");
            env = e == null ? "{}" : e.toString();
            if (env.length() > MAX_ENVIRONMENT_CHARS) {
                throw CfException.appInvalid("environment_json is longer than " + MAX_ENVIRONMENT_CHARS + " characters");
            }
        }
        // a start is a new version, as in Cloud Foundry: clients use it to tell old instances from new
        String version = state.equals(App.STARTED) && !app.started() ? UUID.randomUUID().toString() : app.version();
        return app.withSettings(name, space, memory, instances, disk, state, command, buildpack, env, version);
    }

    private static boolean needsRestart(App before, App after) {
        return before.memory() != after.memory() || before.diskQuota() != after.diskQuota()
                || !java.util.Objects.equals(before.command(), after.command());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
