package io.strato.role.controller.rest;

import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;

/**
 * {@code /v2/config/feature_flags}: Cloud Foundry's feature flags, fixed to what Strato does. Clients read them
 * before some operations (roles are given by user name only when {@code set_roles_by_username} is on).
 */
@Path("/v2/config/feature_flags")
@Produces(MediaType.APPLICATION_JSON)
public class FeatureFlagResource {

    /** Each flag and whether Strato has the feature. */
    static final Map<String, Boolean> FLAGS = flags();

    private static Map<String, Boolean> flags() {
        Map<String, Boolean> f = new LinkedHashMap<>();
        f.put("user_org_creation", false); // admins create organizations
        f.put("private_domain_creation", true); // org managers add private domains
        f.put("app_bits_upload", true);
        f.put("app_scaling", true);
        f.put("route_creation", true);
        f.put("service_instance_creation", true);
        f.put("diego_docker", false);
        f.put("set_roles_by_username", true);
        f.put("unset_roles_by_username", true);
        f.put("task_creation", false);
        f.put("env_var_visibility", true);
        f.put("space_developer_env_var_visibility", true);
        f.put("service_instance_sharing", false);
        f.put("resource_matching", true);
        return f;
    }

    @GET
    @Allow(Op.ANY_USER)
    public List<Map<String, Object>> list() {
        return FLAGS.keySet().stream().map(FeatureFlagResource::shape).toList();
    }

    @GET
    @Path("{name}")
    @Allow(Op.ANY_USER)
    public Map<String, Object> get(@PathParam("name") String name) {
        if (!FLAGS.containsKey(name)) {
            throw new CfException(404, 330000, "CF-FeatureFlagNotFound", "The feature flag could not be found: " + name);
        }
        return shape(name);
    }

    private static Map<String, Object> shape(String name) {
        Map<String, Object> flag = new LinkedHashMap<>();
        flag.put("name", name);
        flag.put("enabled", FLAGS.get(name));
        flag.put("error_message", null);
        flag.put("url", "/v2/config/feature_flags/" + name);
        return flag;
    }
}
