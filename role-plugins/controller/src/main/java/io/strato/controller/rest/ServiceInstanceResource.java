package io.strato.controller.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.controller.ControllerSchema;
import io.strato.controller.Sql;
import io.strato.controller.apps.SpaceStore;
import io.strato.controller.services.BrokerClient;
import io.strato.controller.services.ManagedServiceInstance;
import io.strato.controller.services.ServiceBinding;
import io.strato.controller.services.ServiceCatalog;
import io.strato.controller.services.ServiceProvisioner;
import io.strato.controller.services.ServiceStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;

/**
 * {@code /v2/service_instances}: databases, directories, ... provisioned by the broker of a node that offers
 * the service. Deleting one that apps are bound to is refused unless {@code recursive=true}, which unbinds
 * them first (their running instances restart without it).
 */
@Path("/v2/service_instances")
@Produces(MediaType.APPLICATION_JSON)
public class ServiceInstanceResource {

    private static final int MAX_NAME = 255;

    private final ServiceStore store;
    private final ServiceCatalog catalog;
    private final ServiceProvisioner provisioner;
    private final SpaceStore spaces;
    private final AppRouteResource.Remapper restarter;

    public ServiceInstanceResource(ServiceStore store, ServiceCatalog catalog, ServiceProvisioner provisioner,
                                   SpaceStore spaces, AppRouteResource.Remapper restarter) {
        this.store = store;
        this.catalog = catalog;
        this.provisioner = provisioner;
        this.spaces = spaces;
        this.restarter = restarter;
    }

    @GET
    public Map<String, Object> list(@Context UriInfo uri) {
        return ServiceShapes.page(uri, store.instances(Shapes.filter(uri, "name"), Shapes.filter(uri, "space_guid")),
                ServiceShapes::instance);
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response create(String body) {
        ObjectNode json = Bodies.object(body);
        String name = Bodies.text(json, "name");
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw CfException.serviceInstanceInvalid("name must have 1 to " + MAX_NAME + " characters");
        }
        String space = Optional.ofNullable(Bodies.text(json, "space_guid")).orElse(ControllerSchema.DEFAULT_SPACE_GUID);
        if (spaces.space(space).isEmpty()) {
            throw CfException.spaceNotFound(space);
        }
        String planGuid = Bodies.text(json, "service_plan_guid");
        if (planGuid == null) {
            throw CfException.serviceInstanceInvalid("service_plan_guid is required");
        }
        ServiceCatalog.Plan plan = catalog.plan(planGuid).orElseThrow(() -> CfException.invalidRequest(
                "no service in the marketplace has plan " + planGuid + ": see GET /v2/service_plans"));
        if (store.nameTaken(space, name)) {
            throw CfException.serviceInstanceNameTaken(name);
        }
        ManagedServiceInstance instance;
        try {
            instance = provisioner.provision(name, space, plan, parameters(json));
        } catch (Sql.DuplicateKeyException e) {
            throw CfException.serviceInstanceNameTaken(name);
        } catch (BrokerClient.BrokerCallException e) {
            throw CfException.serviceBrokerFailed(e.getMessage());
        }
        return Response.status(Response.Status.CREATED).entity(ServiceShapes.instance(instance)).build();
    }

    @GET
    @Path("{guid}")
    public Map<String, Object> get(@PathParam("guid") String guid) {
        return ServiceShapes.instance(find(guid));
    }

    @GET
    @Path("{guid}/service_bindings")
    public Map<String, Object> bindings(@PathParam("guid") String guid, @Context UriInfo uri) {
        find(guid);
        return ServiceShapes.page(uri, store.bindings(null, guid), ServiceShapes::binding);
    }

    @DELETE
    @Path("{guid}")
    public Response delete(@PathParam("guid") String guid, @QueryParam("recursive") boolean recursive) {
        ManagedServiceInstance instance = find(guid);
        List<ServiceBinding> bindings = store.bindings(null, guid);
        if (!bindings.isEmpty() && !recursive) {
            throw CfException.associationNotEmpty();
        }
        try {
            for (ServiceBinding b : bindings) {
                provisioner.unbind(b);
                restarter.routesChanged(b.appGuid());
            }
            provisioner.deprovision(instance);
        } catch (BrokerClient.BrokerCallException e) {
            throw CfException.serviceBrokerFailed(e.getMessage());
        }
        return Response.noContent().build();
    }

    /** The optional {@code parameters} object, as the plugin gets it: text as is, other values as JSON text. */
    private static Map<String, String> parameters(ObjectNode json) {
        JsonNode parameters = json.path("parameters");
        if (parameters.isMissingNode() || parameters.isNull()) {
            return Map.of();
        }
        if (!parameters.isObject()) {
            throw CfException.serviceInstanceInvalid("parameters must be a JSON object");
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        parameters.fields().forEachRemaining(e ->
                out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        return out;
    }

    private ManagedServiceInstance find(String guid) {
        return store.instance(guid).orElseThrow(() -> CfException.serviceInstanceNotFound(guid));
    }
}
