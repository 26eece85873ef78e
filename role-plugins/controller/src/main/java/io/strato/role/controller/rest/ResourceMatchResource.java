package io.strato.role.controller.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.strato.api.json.Json;
import io.strato.role.controller.blob.ResourceCache;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Caller;
import io.strato.role.controller.tenancy.Op;
import java.util.ArrayList;
import java.util.List;
import javax.ws.rs.Consumes;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;

/**
 * {@code PUT /v2/resource_match}: of the files a client lists ({@code [{sha1, size, mode}]}), the ones the
 * caller's {@link ResourceCache} has, so that its upload can leave them out.
 */
@Path("/v2/resource_match")
@Produces(MediaType.APPLICATION_JSON)
public class ResourceMatchResource {

    private final ResourceCache cache;
    private final int maxEntries;

    public ResourceMatchResource(ResourceCache cache, int maxEntries) {
        this.cache = cache;
        this.maxEntries = maxEntries;
    }

    @PUT
    @Allow(Op.ANY_USER)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public List<JsonNode> match(String body, @Context SecurityContext security) {
        String user = Caller.of(security).userGuid();
        List<JsonNode> matched = new ArrayList<>();
        for (JsonNode resource : resources(body, maxEntries)) {
            if (cache.has(user, resource.path("sha1").asText(), resource.path("size").asLong(-1))) {
                matched.add(resource);
            }
        }
        return matched;
    }

    /** A JSON array of resources, as resource_match and the bits upload receive it. */
    static JsonNode resources(String body, int maxEntries) {
        JsonNode list;
        try {
            list = body == null || body.isBlank() ? Json.mapper().createArrayNode() : Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw CfException.messageParseError(e.getOriginalMessage());
        }
        if (!list.isArray()) {
            throw CfException.messageParseError("the resources must be a JSON array");
        }
        if (list.size() > maxEntries) {
            throw CfException.bitsUploadInvalid("more than " + maxEntries + " resources");
        }
        return list;
    }
}
