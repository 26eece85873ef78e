package io.strato.role.controller.rest;

import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.UriInfo;

/**
 * {@code /v2/stacks}: one stack, the runtimes of the DEA nodes themselves, which every app runs on. Clients show
 * an app's stack by name; its guid is derived from the name, so every controller gives the same one.
 */
@Path("/v2/stacks")
@Produces(MediaType.APPLICATION_JSON)
public class StackResource {

    public static final String NAME = "strato";
    public static final String GUID = UUID.nameUUIDFromBytes(("strato-stack:" + NAME).getBytes(StandardCharsets.UTF_8))
            .toString();

    @GET
    @Allow(Op.ANY_USER)
    public Map<String, Object> list(@Context UriInfo uri) {
        String name = Shapes.filter(uri, "name");
        List<String> stacks = name == null || name.equals(NAME) ? List.of(NAME) : List.of();
        return ServiceShapes.page(uri, stacks, s -> shape());
    }

    @GET
    @Path("{guid}")
    @Allow(Op.ANY_USER)
    public Map<String, Object> get(@PathParam("guid") String guid) {
        if (!GUID.equals(guid)) {
            throw new CfException(404, 250003, "CF-StackNotFound", "The stack could not be found: " + guid);
        }
        return shape();
    }

    private static Map<String, Object> shape() {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", NAME);
        e.put("description", "the runtimes of the DEA nodes (Node.js, Python, Java, static files)");
        return Shapes.resource(GUID, "/v2/stacks/" + GUID, 0, 0, e);
    }
}
