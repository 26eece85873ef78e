package io.strato.role.controller.rest;

import io.strato.api.cluster.ClusterStatus;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.SharedState;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.Tenancy;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;

/** {@code GET /v2/cluster}: what {@code kato:status} shows, for admins (the Management Console's cluster page). */
@Path("/v2/cluster")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {

    private final Tenancy tenancy;
    private final ClusterView cluster;
    private final SharedState shared;

    public ClusterResource(Tenancy tenancy, ClusterView cluster, SharedState shared) {
        this.tenancy = tenancy;
        this.cluster = cluster;
        this.shared = shared;
    }

    @GET
    @Allow(Op.CLOUD_ADMIN)
    public Map<String, Object> get(@Context SecurityContext security) {
        tenancy.access(security).requireAdmin();
        return shape(ClusterStatus.read(cluster, shared, System.currentTimeMillis()));
    }

    static Map<String, Object> shape(ClusterStatus s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", s.name());
        out.put("app_domain", s.appDomain());
        out.put("primary", s.primary());
        out.put("this_node", s.localNode());
        out.put("this_node_ready", s.localReady());
        out.put("health_manager", s.healthManager());
        out.put("nodes", s.nodes().stream().map(ClusterResource::node).toList());
        out.put("data_services", s.dataServices().stream().map(d -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("label", d.label());
            e.put("node_id", d.nodeId());
            e.put("node_name", d.nodeName());
            e.put("up", d.up());
            e.put("detail", d.detail());
            return e;
        }).toList());
        out.put("routers", s.routers().stream().map(r -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("node_id", r.nodeId());
            e.put("node_name", r.nodeName());
            e.put("address", r.address());
            e.put("port", r.port());
            return e;
        }).toList());
        out.put("warnings", s.warnings());
        return out;
    }

    private static Map<String, Object> node(ClusterStatus.Node n) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", n.id());
        e.put("name", n.name());
        e.put("address", n.address());
        e.put("primary", n.primary());
        Map<String, String> roles = new LinkedHashMap<>();
        n.roles().forEach((role, state) -> roles.put(role, state.name()));
        e.put("roles", roles);
        e.put("version", n.version());
        e.put("last_heartbeat", Shapes.time(n.lastHeartbeat()));
        if (n.dea() == null) {
            e.put("dea", null);
        } else {
            Map<String, Object> dea = new LinkedHashMap<>();
            dea.put("memory_used_mb", n.dea().memoryUsedMb());
            dea.put("memory_total_mb", n.dea().memoryTotalMb());
            dea.put("instances", n.dea().instances());
            e.put("dea", dea);
        }
        return e;
    }
}
