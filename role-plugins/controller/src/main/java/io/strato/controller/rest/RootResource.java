package io.strato.controller.rest;

import io.strato.api.app.PlatformHosts;
import io.strato.controller.tenancy.Allow;
import io.strato.controller.tenancy.Op;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.core.HttpHeaders;
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
        // a relative Location keeps the browser on the host and port it asked (location() would make it absolute)
        return Response.status(Response.Status.FOUND).header(HttpHeaders.LOCATION, PlatformHosts.CONSOLE_PATH).build();
    }
}
