package io.strato.role.controller.rest;

import javax.ws.rs.core.SecurityContext;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Access;
import io.strato.role.controller.apps.AppStore;
import io.strato.role.controller.services.ServiceStore;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.UriInfo;

/** {@code /v2/apps/:guid/service_bindings}: the services an app is bound to. */
@Path("/v2/apps/{guid}/service_bindings")
@Produces(MediaType.APPLICATION_JSON)
public class AppServiceBindingResource {

    private final Lookup lookup;
    private final ServiceStore store;

    public AppServiceBindingResource(Lookup lookup, ServiceStore store) {
        this.lookup = lookup;
        this.store = store;
    }

    @GET
    @Allow(Op.SPACE_READ)
    public Map<String, Object> list(@PathParam("guid") String guid, @Context UriInfo uri,
                                    @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        String space = lookup.app(access, guid, Op.SPACE_READ).space().guid();
        return ServiceShapes.page(uri, store.bindings(guid, null), b -> ServiceShapes.binding(b, access.seesSecrets(space)));
    }
}
