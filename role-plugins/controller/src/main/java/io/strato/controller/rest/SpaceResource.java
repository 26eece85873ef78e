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

/** {@code /v2/spaces}: read-only; every app lives in the "default" space unless told otherwise. */
@Path("/v2/spaces")
@Produces(MediaType.APPLICATION_JSON)
public class SpaceResource {

    private final SpaceStore spaces;

    public SpaceResource(SpaceStore spaces) {
        this.spaces = spaces;
    }

    @GET
    public Map<String, Object> list(@Context UriInfo uri) {
        var all = spaces.spaces();
        return Shapes.page(uri, new Shapes.Paging(1, Math.max(1, all.size())), all.size(), all, AppShapes::space);
    }

    @GET
    @Path("{guid}")
    public Map<String, Object> get(@PathParam("guid") String guid) {
        return AppShapes.space(spaces.space(guid).orElseThrow(() -> CfException.spaceNotFound(guid)));
    }
}
