package io.strato.role.controller.rest;

import io.strato.role.controller.services.ServiceCatalog;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.Tenancy;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;

/** {@code GET /v2/spaces/:guid/services}: the services a space may use, every one of the marketplace. */
@Path("/v2/spaces/{guid}/services")
@Produces(MediaType.APPLICATION_JSON)
public class SpaceServiceResource {

    private final Tenancy tenancy;
    private final ServiceCatalog catalog;

    public SpaceServiceResource(Tenancy tenancy, ServiceCatalog catalog) {
        this.tenancy = tenancy;
        this.catalog = catalog;
    }

    @GET
    @Allow(Op.SPACE_READ)
    public Map<String, Object> list(@PathParam("guid") String guid, @Context UriInfo uri,
                                    @Context SecurityContext security) {
        tenancy.space(tenancy.access(security), guid, Op.SPACE_READ, () -> CfException.spaceNotFound(guid));
        String label = Shapes.filter(uri, "label");
        return ServiceShapes.page(uri, catalog.services().stream()
                .filter(s -> label == null || s.label().equals(label)).toList(), ServiceShapes::service);
    }
}
