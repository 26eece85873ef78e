package io.strato.role.controller.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.json.Json;
import io.strato.role.controller.apps.App;
import io.strato.api.app.AppHealth;
import io.strato.role.controller.apps.AppRuntime;
import io.strato.role.controller.apps.Route;
import io.strato.role.controller.tenancy.OrgRole;
import io.strato.role.controller.tenancy.Organization;
import io.strato.role.controller.tenancy.Space;
import io.strato.role.controller.tenancy.SpaceRole;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Apps, routes, spaces and organizations in their Cloud Controller v2 shapes. */
final class AppShapes {

    private final AppRuntime runtime;

    AppShapes(AppRuntime runtime) {
        this.runtime = runtime;
    }

    /** What stands for an environment or credentials the caller may not see, as Cloud Foundry shows it. */
    static final String REDACTED = "[PRIVATE DATA HIDDEN]";

    /** An app; its environment only for a caller who may see the space's secrets. */
    Map<String, Object> app(App a, boolean secrets) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", a.name());
        e.put("production", false);
        e.put("space_guid", a.spaceGuid());
        e.put("stack_guid", StackResource.GUID);
        e.put("buildpack", a.buildpack());
        e.put("detected_buildpack", a.detectedBuildpack());
        e.put("environment_json", secrets ? json(a.environmentJson()) : redacted());
        e.put("memory", a.memory());
        e.put("instances", a.instances());
        e.put("disk_quota", a.diskQuota());
        e.put("state", a.state());
        e.put("version", a.version());
        e.put("command", a.command());
        e.put("console", false);
        e.put("debug", null);
        e.put("staging_task_id", a.stagingTaskId());
        e.put("package_state", a.packageState());
        e.put("health_check_type", "port");
        e.put("health_check_timeout", null);
        e.put("staging_failed_reason", a.stagingFailedReason());
        e.put("staging_failed_description", a.stagingFailedReason());
        e.put("diego", false);
        e.put("docker_image", null);
        e.put("package_updated_at", Shapes.time(a.packageUpdatedAt()));
        e.put("detected_start_command", a.detectedStartCommand() == null ? "" : a.detectedStartCommand());
        e.put("enable_ssh", false);
        e.put("ports", null);
        // only a started app is placed: a stopped one costs no look-up in the health manager's map
        e.put("placement_error", a.started() ? runtime.health(a.guid()).map(AppHealth::problem).orElse(null) : null);
        e.put("space_url", "/v2/spaces/" + a.spaceGuid());
        e.put("routes_url", "/v2/apps/" + a.guid() + "/routes");
        return Shapes.resource(a.guid(), "/v2/apps/" + a.guid(), a.createdAt(), a.updatedAt(), e);
    }

    /** How many indexes run the app's current version, as {@code cf apps} counts them. */
    long runningInstances(App a) {
        return a.started() ? runtime.instancesOf(a.guid()).stream()
                .filter(i -> i.state() == io.strato.api.app.InstanceState.RUNNING && a.version().equals(i.appVersion()))
                .map(i -> i.index()).distinct().count() : 0;
    }

    static Map<String, Object> route(Route r) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("host", r.host());
        e.put("path", "");
        e.put("domain_guid", r.domainGuid());
        e.put("space_guid", r.spaceGuid());
        e.put("service_instance_guid", null);
        e.put("port", null);
        e.put("domain_url", "/v2/domains/" + r.domainGuid());
        e.put("space_url", "/v2/spaces/" + r.spaceGuid());
        return Shapes.resource(r.guid(), "/v2/routes/" + r.guid(), r.createdAt(), r.createdAt(), e);
    }

    static Map<String, Object> space(Space s) {
        String url = "/v2/spaces/" + s.guid();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", s.name());
        e.put("organization_guid", s.orgGuid());
        e.put("space_quota_definition_guid", s.spaceQuotaGuid());
        e.put("allow_ssh", false);
        e.put("organization_url", "/v2/organizations/" + s.orgGuid());
        for (SpaceRole role : SpaceRole.values()) {
            e.put(role.path() + "_url", url + "/" + role.path());
        }
        e.put("apps_url", url + "/apps");
        e.put("routes_url", url + "/routes");
        e.put("service_instances_url", url + "/service_instances");
        e.put("app_events_url", url + "/app_events");
        e.put("events_url", url + "/events");
        return Shapes.resource(s.guid(), url, s.createdAt(), s.createdAt(), e);
    }

    static Map<String, Object> organization(Organization o) {
        String url = "/v2/organizations/" + o.guid();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", o.name());
        e.put("billing_enabled", false);
        e.put("quota_definition_guid", o.quotaGuid());
        e.put("status", "active");
        e.put("quota_definition_url", "/v2/quota_definitions/" + o.quotaGuid());
        e.put("spaces_url", url + "/spaces");
        for (OrgRole role : OrgRole.values()) {
            e.put(role.path() + "_url", url + "/" + role.path());
        }
        e.put("space_quota_definitions_url", url + "/space_quota_definitions");
        return Shapes.resource(o.guid(), url, o.createdAt(), o.createdAt(), e);
    }

    static Map<String, Object> redacted() {
        return Map.of("redacted_message", REDACTED);
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            return Json.mapper().createObjectNode();
        }
    }
}
