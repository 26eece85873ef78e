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

/** {@code /v2/service_plans}: the plans of the marketplace's services ({@code q=service_guid:<guid>}). */
@Path("/v2/service_plans")
@Produces(MediaType.APPLICATION_JSON)
public class ServicePlanResource {

    private final ServiceCatalog catalog;

    public ServicePlanResource(ServiceCatalog catalog) {
        this.catalog = catalog;
    }

    @GET
    @Allow(Op.ANY_USER)
    public Map<String, Object> list(@Context UriInfo uri) {
        return ServiceShapes.page(uri, catalog.plans(Shapes.filter(uri, "service_guid")), ServiceShapes::plan);
    }

    @GET
    @Allow(Op.ANY_USER)
    @Path("{guid}")
    public Map<String, Object> get(@PathParam("guid") String guid) {
        return ServiceShapes.plan(catalog.plan(guid).orElseThrow(() -> CfException.servicePlanNotFound(guid)));
    }
}
