package io.strato.controller.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.json.Json;
import io.strato.controller.apps.App;
import io.strato.api.app.AppHealth;
import io.strato.controller.apps.AppRuntime;
import io.strato.controller.apps.Route;
import io.strato.controller.apps.Space;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Apps, routes, spaces and organizations in their Cloud Controller v2 shapes. */
final class AppShapes {

    private final AppRuntime runtime;

    AppShapes(AppRuntime runtime) {
        this.runtime = runtime;
    }

    Map<String, Object> app(App a) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", a.name());
        e.put("production", false);
        e.put("space_guid", a.spaceGuid());
        e.put("stack_guid", null);
        e.put("buildpack", a.buildpack());
        e.put("detected_buildpack", a.detectedBuildpack());
        e.put("environment_json", json(a.environmentJson()));
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
        e.put("placement_error", runtime.health(a.guid()).map(AppHealth::problem).orElse(null));
        e.put("space_url", "/v2/spaces/" + a.spaceGuid());
        e.put("routes_url", "/v2/apps/" + a.guid() + "/routes");
        return Shapes.resource(a.guid(), "/v2/apps/" + a.guid(), a.createdAt(), a.updatedAt(), e);
    }

    static Map<String, Object> route(Route r) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("host", r.host());
        e.put("path", "");
        e.put("domain_guid", r.domainGuid());
        e.put("space_guid", r.spaceGuid());
        e.put("service_instance_guid", null);
        e.put("port", null);
        e.put("domain_url", "/v2/shared_domains/" + r.domainGuid());
        e.put("space_url", "/v2/spaces/" + r.spaceGuid());
        return Shapes.resource(r.guid(), "/v2/routes/" + r.guid(), r.createdAt(), r.createdAt(), e);
    }

    static Map<String, Object> space(Space s) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", s.name());
        e.put("organization_guid", s.parentGuid());
        e.put("allow_ssh", false);
        e.put("organization_url", "/v2/organizations/" + s.parentGuid());
        return Shapes.resource(s.guid(), "/v2/spaces/" + s.guid(), s.createdAt(), s.createdAt(), e);
    }

    static Map<String, Object> organization(Space o) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", o.name());
        e.put("billing_enabled", false);
        e.put("status", "active");
        return Shapes.resource(o.guid(), "/v2/organizations/" + o.guid(), o.createdAt(), o.createdAt(), e);
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            return Json.mapper().createObjectNode();
        }
    }
}
