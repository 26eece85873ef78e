package io.strato.controller.rest;

import io.strato.controller.tenancy.Allow;
import io.strato.controller.tenancy.Op;
import java.util.List;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.UriInfo;

/**
 * {@code GET /v2/private_domains}: always empty. Routes live under the cluster's one app domain (a shared
 * domain), which the routers serve; clients list private domains beside the shared ones before a push.
 */
@Path("/v2/private_domains")
@Produces(MediaType.APPLICATION_JSON)
public class PrivateDomainResource {

    @GET
    @Allow(Op.ANY_USER)
    public Map<String, Object> list(@Context UriInfo uri) {
        return ServiceShapes.page(uri, List.of(), d -> Map.of());
    }
}
