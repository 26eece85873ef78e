package io.strato.controller.rest;

import io.strato.controller.apps.SpaceStore;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.UriInfo;

/** {@code /v2/organizations}: read-only; every user works in the "default" organization. */
@Path("/v2/organizations")
@Produces(MediaType.APPLICATION_JSON)
public class OrganizationResource {

    private final SpaceStore spaces;

    public OrganizationResource(SpaceStore spaces) {
        this.spaces = spaces;
    }

    @GET
    public Map<String, Object> list(@Context UriInfo uri) {
        var all = spaces.organizations();
        return Shapes.page(uri, new Shapes.Paging(1, Math.max(1, all.size())), all.size(), all, AppShapes::organization);
    }

    @GET
    @Path("{guid}")
    public Map<String, Object> get(@PathParam("guid") String guid) {
        return AppShapes.organization(spaces.organization(guid).orElseThrow(() -> CfException.organizationNotFound(guid)));
    }
}
