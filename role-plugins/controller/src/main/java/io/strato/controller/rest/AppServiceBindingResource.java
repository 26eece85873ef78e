package io.strato.controller.rest;

import io.strato.controller.apps.AppStore;
import io.strato.controller.services.ServiceStore;
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

    private final AppStore apps;
    private final ServiceStore store;

    public AppServiceBindingResource(AppStore apps, ServiceStore store) {
        this.apps = apps;
        this.store = store;
    }

    @GET
    public Map<String, Object> list(@PathParam("guid") String guid, @Context UriInfo uri) {
        apps.find(guid).orElseThrow(() -> CfException.appNotFound(guid));
        return ServiceShapes.page(uri, store.bindings(guid, null), ServiceShapes::binding);
    }
}
