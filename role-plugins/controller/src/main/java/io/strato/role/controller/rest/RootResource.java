package io.strato.role.controller.rest;

import io.strato.api.app.PlatformHosts;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.ws.rs.GET;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.Path;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/**
 * {@code GET /}: the root document clients read first to find the v2 and v3 APIs, the token endpoint and the
 * log endpoint, in cloud_controller_ng's shape. Endpoints Strato has no counterpart for are null, as a Cloud
 * Foundry without them answers. A browser (it asks for HTML) is sent to the Management Console instead, which the
 * controller hosts.
 */
@Path("/")
public class RootResource {

    private final String externalUrl;
    private final Supplier<String> loggingUrl;

    /** @param loggingUrl the Doppler-compatible log endpoint ({@code ws://host:port}), known once it listens */
    public RootResource(String externalUrl, Supplier<String> loggingUrl) {
        this.externalUrl = externalUrl;
        this.loggingUrl = loggingUrl;
    }

    @GET
    @Allow(Op.PUBLIC)
    public Response root(@HeaderParam(HttpHeaders.ACCEPT) String accept) {
        if (accept != null && accept.contains(MediaType.TEXT_HTML)) {
            // a relative Location keeps the browser on the host and port it asked (location() would make it absolute)
            return Response.status(Response.Status.FOUND).header(HttpHeaders.LOCATION, PlatformHosts.CONSOLE_PATH).build();
        }
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", link(externalUrl));
        links.put("bits_service", null);
        links.put("cloud_controller_v2", versioned(externalUrl + "/v2", "2.0.0"));
        links.put("cloud_controller_v3", versioned(externalUrl + "/v3", "3.0.0"));
        links.put("network_policy_v0", null);
        links.put("network_policy_v1", null);
        links.put("login", link(externalUrl));
        links.put("uaa", link(externalUrl));
        links.put("credhub", null);
        links.put("routing", null);
        links.put("logging", link(loggingUrl.get()));
        links.put("log_cache", null);
        links.put("log_stream", null);
        links.put("app_ssh", null);
        return Response.ok(Map.of("links", links), MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static Map<String, Object> link(String href) {
        return Map.of("href", href);
    }

    private static Map<String, Object> versioned(String href, String version) {
        return Map.of("href", href, "meta", Map.of("version", version));
    }
}
