package io.strato.role.controller.rest;

import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.services.ServiceCatalog;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.UriInfo;

/** {@code /v2/services}: the marketplace, every service some node's broker offers now. */
@Path("/v2/services")
@Produces(MediaType.APPLICATION_JSON)
public class ServiceResource {

    private final ServiceCatalog catalog;

    public ServiceResource(ServiceCatalog catalog) {
        this.catalog = catalog;
    }

    @GET
    @Allow(Op.ANY_USER)
    public Map<String, Object> list(@Context UriInfo uri) {
        String label = Shapes.filter(uri, "label");
        return ServiceShapes.page(uri, catalog.services().stream()
                .filter(s -> label == null || s.label().equals(label)).toList(), ServiceShapes::service);
    }

    @GET
    @Allow(Op.ANY_USER)
    @Path("{guid}")
    public Map<String, Object> get(@PathParam("guid") String guid) {
        return ServiceShapes.service(catalog.service(guid).orElseThrow(() -> CfException.serviceNotFound(guid)));
    }

    @GET
    @Allow(Op.ANY_USER)
    @Path("{guid}/service_plans")
    public Map<String, Object> plans(@PathParam("guid") String guid, @Context UriInfo uri) {
        catalog.service(guid).orElseThrow(() -> CfException.serviceNotFound(guid));
        return ServiceShapes.page(uri, catalog.plans(guid), ServiceShapes::plan);
    }
}
