package io.strato.role.controller.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.json.Json;
import io.strato.role.controller.services.ManagedServiceInstance;
import io.strato.role.controller.services.ServiceBinding;
import io.strato.role.controller.services.ServiceCatalog;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.ws.rs.core.UriInfo;

/** Services, plans, service instances and bindings in Cloud Controller v2 shapes. */
final class ServiceShapes {

    private ServiceShapes() {
    }

    static Map<String, Object> service(ServiceCatalog.Service s) {
        String url = "/v2/services/" + s.guid();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("label", s.label());
        e.put("provider", "core");
        e.put("url", null);
        e.put("description", s.offering().description());
        e.put("long_description", null);
        e.put("version", s.offering().version());
        e.put("info_url", null);
        // false while the plugin's server is down on every node that offers it
        e.put("active", s.offering().health().up());
        e.put("bindable", true);
        e.put("unique_id", s.label());
        e.put("extra", null);
        e.put("tags", s.offering().tags());
        e.put("requires", List.of());
        e.put("documentation_url", null);
        e.put("plan_updateable", false);
        e.put("service_plans_url", url + "/service_plans");
        return Shapes.resource(s.guid(), url, 0, 0, e);
    }

    static Map<String, Object> plan(ServiceCatalog.Plan p) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", p.name());
        e.put("free", p.plan().free());
        e.put("description", p.plan().description());
        e.put("service_guid", p.serviceGuid());
        e.put("extra", null);
        e.put("unique_id", p.label() + "-" + p.name());
        e.put("public", true);
        e.put("active", true);
        e.put("bindable", true);
        e.put("service_url", "/v2/services/" + p.serviceGuid());
        e.put("service_instances_url", "/v2/service_plans/" + p.guid() + "/service_instances");
        return Shapes.resource(p.guid(), "/v2/service_plans/" + p.guid(), 0, 0, e);
    }

    static Map<String, Object> instance(ManagedServiceInstance i) {
        String url = "/v2/service_instances/" + i.guid();
        Map<String, Object> operation = new LinkedHashMap<>();
        operation.put("type", "create");
        operation.put("state", "succeeded");
        operation.put("description", "");
        operation.put("updated_at", Shapes.time(i.createdAt()));
        operation.put("created_at", Shapes.time(i.createdAt()));
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", i.name());
        e.put("credentials", Map.of());
        e.put("service_plan_guid", i.planGuid());
        e.put("service_guid", i.serviceGuid());
        e.put("space_guid", i.spaceGuid());
        e.put("gateway_data", null);
        e.put("dashboard_url", null);
        e.put("type", "managed_service_instance");
        e.put("last_operation", operation);
        e.put("tags", List.of());
        e.put("space_url", "/v2/spaces/" + i.spaceGuid());
        e.put("service_plan_url", "/v2/service_plans/" + i.planGuid());
        e.put("service_bindings_url", url + "/service_bindings");
        return Shapes.resource(i.guid(), url, i.createdAt(), i.createdAt(), e);
    }

    /** A binding; its credentials only for a caller who may see the space's secrets. */
    static Map<String, Object> binding(ServiceBinding b, boolean secrets) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("app_guid", b.appGuid());
        e.put("service_instance_guid", b.instanceGuid());
        e.put("credentials", secrets ? credentials(b) : AppShapes.redacted());
        e.put("binding_options", Map.of());
        e.put("gateway_data", null);
        e.put("gateway_name", "");
        e.put("syslog_drain_url", null);
        e.put("volume_mounts", List.of());
        e.put("app_url", "/v2/apps/" + b.appGuid());
        e.put("service_instance_url", "/v2/service_instances/" + b.instanceGuid());
        return Shapes.resource(b.guid(), "/v2/service_bindings/" + b.guid(), b.createdAt(), b.createdAt(), e);
    }

    /** One page of a list already in memory. */
    static <T> Map<String, Object> page(UriInfo uri, List<T> all, Function<T, Map<String, Object>> shape) {
        Shapes.Paging paging = Shapes.Paging.of(uri);
        List<T> page = all.subList(Math.min(paging.offset(), all.size()),
                Math.min(paging.offset() + paging.perPage(), all.size()));
        return Shapes.page(uri, paging, all.size(), page, shape);
    }

    private static JsonNode credentials(ServiceBinding b) {
        try {
            return Json.mapper().readTree(b.credentials());
        } catch (IOException e) {
            return Json.mapper().createObjectNode();
        }
    }
}
