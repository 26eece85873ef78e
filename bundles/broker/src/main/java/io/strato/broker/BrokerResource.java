package io.strato.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.api.json.Json;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCatalogEntry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/**
 * The Open Service Broker API v2 endpoints. A service's id is its label and a plan's id is its name, so the
 * platform needs no lookup table to provision.
 */
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
public class BrokerResource {

    private final ServiceBroker broker;

    BrokerResource(ServiceBroker broker) {
        this.broker = broker;
    }

    @GET
    @Path("catalog")
    public Map<String, Object> catalog() {
        return Map.of("services", broker.catalog().stream().map(BrokerResource::service).toList());
    }

    @PUT
    @Path("service_instances/{id}")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response provision(@PathParam("id") String id, String body) {
        return answer(() -> {
            ObjectNode json = object(body);
            ServiceBroker.Outcome o = broker.provision(id, text(json, "service_id"), text(json, "plan_id"),
                    parameters(json.get("parameters")));
            return Response.status(o.status()).entity(o.body()).build();
        });
    }

    @DELETE
    @Path("service_instances/{id}")
    public Response deprovision(@PathParam("id") String id) {
        return answer(() -> {
            broker.deprovision(id);
            return Response.ok(Map.of()).build();
        });
    }

    @PUT
    @Path("service_instances/{id}/service_bindings/{bid}")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response bind(@PathParam("id") String id, @PathParam("bid") String bindingId, String body) {
        return answer(() -> {
            ServiceBroker.Outcome o = broker.bind(id, bindingOf(bindingId, body));
            return Response.status(o.status()).entity(o.body()).build();
        });
    }

    @DELETE
    @Path("service_instances/{id}/service_bindings/{bid}")
    public Response unbind(@PathParam("id") String id, @PathParam("bid") String bindingId) {
        return answer(() -> {
            broker.unbind(id, bindingId);
            return Response.ok(Map.of()).build();
        });
    }

    /**
     * The binding a bind request asks for: the app from {@code bind_resource.app_guid} (else the older top-level
     * {@code app_guid}) and the uid its instances run as from {@code bind_resource.app_uid}, which must be there:
     * plugins grant that uid access where their server has no users, so a bind without it is refused (400).
     */
    static ServiceBinding bindingOf(String bindingId, String body) throws BrokerException {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new BrokerException(400, "the bind request is not JSON: " + e.getMessage());
        }
        String guid = json.path("bind_resource").path("app_guid").asText(json.path("app_guid").asText(""));
        JsonNode uid = json.path("bind_resource").path("app_uid");
        if (uid.isMissingNode() || uid.isNull()) {
            throw new BrokerException(400, "the bind request has no bind_resource.app_uid: the broker needs the uid the"
                    + " app runs as (1..65535) to grant it access; update the controller");
        }
        if (!uid.isIntegralNumber() || !ServiceBinding.isAppUid(uid.asLong())) {
            throw new BrokerException(400, "bind_resource.app_uid must be a uid from 1 to 65535, not " + uid);
        }
        return new ServiceBinding(bindingId, guid.isBlank() ? "" : guid, uid.asInt());
    }

    private static Map<String, Object> service(ServiceCatalogEntry e) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", e.label());
        s.put("name", e.label());
        s.put("description", e.description());
        s.put("bindable", true);
        s.put("tags", e.tags());
        s.put("metadata", Map.of("version", e.version()));
        s.put("plans", e.plans().stream().map(p -> Map.of("id", p.name(), "name", p.name(),
                "description", p.description(), "free", p.free())).toList());
        return s;
    }

    @FunctionalInterface
    private interface Call {
        Response run() throws BrokerException;
    }

    private static Response answer(Call call) {
        try {
            return call.run();
        } catch (BrokerException e) {
            return error(e.status(), e.getMessage());
        }
    }

    static Response error(int status, String description) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("description", description)).build();
    }

    private static ObjectNode object(String body) throws BrokerException {
        try {
            JsonNode node = body == null || body.isBlank() ? null : Json.mapper().readTree(body);
            if (node instanceof ObjectNode o) {
                return o;
            }
        } catch (IOException e) {
            // answered below
        }
        throw new BrokerException(400, "the body must be a JSON object");
    }

    private static String text(ObjectNode json, String field) throws BrokerException {
        JsonNode v = json.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new BrokerException(400, field + " is required");
        }
        return v.asText();
    }

    /** Parameters as strings: a plugin sees JSON values other than strings as their JSON text. */
    private static Map<String, String> parameters(JsonNode node) throws BrokerException {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new BrokerException(400, "parameters must be a JSON object");
        }
        node.fields().forEachRemaining(e ->
                out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        return out;
    }
}
