package io.strato.role.controller.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.role.controller.tenancy.Quota;
import io.strato.role.controller.tenancy.QuotaCheck;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Quota definitions in their Cloud Controller v2 shape, and read from request bodies. */
final class QuotaShapes {

    private QuotaShapes() {
    }

    static Map<String, Object> quota(Quota q) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", q.name());
        e.put("non_basic_services_allowed", q.nonBasicServicesAllowed());
        e.put("total_services", q.totalServices());
        e.put("total_routes", q.totalRoutes());
        e.put("memory_limit", q.memoryLimit());
        e.put("instance_memory_limit", q.instanceMemoryLimit());
        e.put("app_instance_limit", q.appInstanceLimit());
        e.put("total_private_domains", -1);
        e.put("total_service_keys", -1);
        e.put("total_reserved_route_ports", 0);
        e.put("trial_db_allowed", false);
        String url;
        if (q.orgGuid() == null) {
            url = "/v2/quota_definitions/" + q.guid();
        } else {
            url = "/v2/space_quota_definitions/" + q.guid();
            e.put("organization_guid", q.orgGuid());
            e.put("organization_url", "/v2/organizations/" + q.orgGuid());
            e.put("spaces_url", url + "/spaces");
        }
        return Shapes.resource(q.guid(), url, q.createdAt(), q.updatedAt(), e);
    }

    /** The quota's summary with what its organization or space uses now. */
    static Map<String, Object> withUsage(Quota q, QuotaCheck.Usage used) {
        Map<String, Object> out = new LinkedHashMap<>(quota(q));
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("memory", used.memory());
        usage.put("app_instances", used.instances());
        usage.put("services", used.services());
        usage.put("routes", used.routes());
        out.put("usage", usage);
        return out;
    }

    /**
     * A quota from a request: a new one ({@code base} null: name, memory_limit, total_services and total_routes
     * are required) or changes to {@code base}. Limits are whole numbers, -1 for unlimited.
     */
    static Quota read(ObjectNode json, Quota base, String orgGuid, java.util.function.Function<String, CfException> invalid) {
        long now = System.currentTimeMillis();
        String name = Bodies.text(json, "name");
        if (base == null && name == null) {
            throw invalid.apply("name is required");
        }
        if (name != null && (name.isBlank() || name.length() > OrganizationResource.MAX_NAME)) {
            throw invalid.apply("name must have 1 to " + OrganizationResource.MAX_NAME + " characters");
        }
        Quota start = base != null ? base : new Quota(UUID.randomUUID().toString(), name, orgGuid, true, -2, -2, -2, -1,
                -1, now, now);
        Quota q = start.withLimits(name != null ? name : start.name(),
                json.has("non_basic_services_allowed") ? json.get("non_basic_services_allowed").asBoolean()
                        : start.nonBasicServicesAllowed(),
                limit(json, "total_services", start.totalServices(), invalid),
                limit(json, "total_routes", start.totalRoutes(), invalid),
                limit(json, "memory_limit", start.memoryLimit(), invalid),
                limit(json, "instance_memory_limit", start.instanceMemoryLimit(), invalid),
                limit(json, "app_instance_limit", start.appInstanceLimit(), invalid), now);
        for (String field : new String[] {"total_services", "total_routes", "memory_limit"}) {
            if (base == null && !json.has(field)) {
                throw invalid.apply(field + " is required");
            }
        }
        return q;
    }

    private static int limit(ObjectNode json, String field, int fallback,
                             java.util.function.Function<String, CfException> invalid) {
        if (!json.has(field)) {
            return fallback;
        }
        Integer value = Bodies.integer(json, field);
        if (value == null || value < -1) {
            throw invalid.apply(field + " must be a whole number, -1 for unlimited");
        }
        return value;
    }
}
