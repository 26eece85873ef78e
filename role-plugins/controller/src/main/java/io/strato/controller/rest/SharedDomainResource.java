package io.strato.controller.rest;

import io.strato.controller.tenancy.Allow;
import io.strato.controller.tenancy.Op;
import io.strato.api.cluster.ClusterView;
import io.strato.controller.apps.SharedDomain;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.UriInfo;

/** {@code /v2/shared_domains}: the cluster's app domain, the one domain routes can use. */
@Path("/v2/shared_domains")
@Produces(MediaType.APPLICATION_JSON)
public class SharedDomainResource {

    private final ClusterView cluster;

    public SharedDomainResource(ClusterView cluster) {
        this.cluster = cluster;
    }

    @GET
    @Allow(Op.ANY_USER)
    public Map<String, Object> list(@Context UriInfo uri) {
        String name = Shapes.filter(uri, "name");
        List<SharedDomain> domains = name == null || name.equals(current().name()) ? List.of(current()) : List.of();
        return ServiceShapes.page(uri, domains, SharedDomainResource::shape);
    }

    @GET
    @Allow(Op.ANY_USER)
    @Path("{guid}")
    public Map<String, Object> get(@PathParam("guid") String guid) {
        SharedDomain domain = current();
        if (!domain.guid().equals(guid)) {
            throw CfException.domainNotFound(guid);
        }
        return shape(domain);
    }

    private SharedDomain current() {
        return SharedDomain.of(cluster.config().appDomain());
    }

    private static Map<String, Object> shape(SharedDomain d) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", d.name());
        e.put("internal", false);
        e.put("router_group_guid", null);
        e.put("router_group_type", null);
        return Shapes.resource(d.guid(), "/v2/shared_domains/" + d.guid(), 0, 0, e);
    }
}
