package io.strato.controller.rest;

import io.strato.api.app.PlatformHosts;
import io.strato.controller.tenancy.Allow;
import io.strato.controller.tenancy.Op;
import java.net.URI;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.core.Response;

/**
 * The root document: a browser opening the node, {@code http://api.<domain>/} or {@code http://console.<domain>/}
 * lands in the Management Console, which the controller hosts.
 */
@Path("/")
public class RootResource {

    @GET
    @Allow(Op.PUBLIC)
    public Response root() {
        return Response.status(Response.Status.FOUND).location(URI.create(PlatformHosts.CONSOLE_PATH)).build();
    }
}
