package io.strato.controller.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.controller.Sql;
import io.strato.controller.apps.App;
import io.strato.controller.apps.AppStore;
import io.strato.controller.services.BrokerClient;
import io.strato.controller.services.ManagedServiceInstance;
import io.strato.controller.services.ServiceBinding;
import io.strato.controller.services.ServiceProvisioner;
import io.strato.controller.services.ServiceStore;
import java.util.Map;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;

/**
 * {@code /v2/service_bindings}: which apps get which service's credentials. Instances learn them from their
 * start order (VCAP_SERVICES and the service variables), so binding and unbinding restart the app's running
 * instances, as a route change does.
 */
@Path("/v2/service_bindings")
@Produces(MediaType.APPLICATION_JSON)
public class ServiceBindingResource {

    private final ServiceStore store;
    private final ServiceProvisioner provisioner;
    private final AppStore apps;
    private final AppRouteResource.Remapper restarter;

    public ServiceBindingResource(ServiceStore store, ServiceProvisioner provisioner, AppStore apps,
                                  AppRouteResource.Remapper restarter) {
        this.store = store;
        this.provisioner = provisioner;
        this.apps = apps;
        this.restarter = restarter;
    }

    @GET
    public Map<String, Object> list(@Context UriInfo uri) {
        return ServiceShapes.page(uri, store.bindings(Shapes.filter(uri, "app_guid"),
                Shapes.filter(uri, "service_instance_guid")), ServiceShapes::binding);
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response create(String body) {
        ObjectNode json = Bodies.object(body);
        String instanceGuid = Bodies.text(json, "service_instance_guid");
        String appGuid = Bodies.text(json, "app_guid");
        if (instanceGuid == null || appGuid == null) {
            throw CfException.invalidRequest("service_instance_guid and app_guid are required");
        }
        App app = apps.find(appGuid).orElseThrow(() -> CfException.appNotFound(appGuid));
        ManagedServiceInstance instance = store.instance(instanceGuid)
                .orElseThrow(() -> CfException.serviceInstanceNotFound(instanceGuid));
        if (!app.spaceGuid().equals(instance.spaceGuid())) {
            throw CfException.invalidRequest("the app and the service instance are in different spaces");
        }
        if (store.bound(instanceGuid, appGuid)) {
            throw CfException.serviceBindingTaken();
        }
        ServiceBinding binding;
        try {
            binding = provisioner.bind(instance, appGuid, app.appUid());
        } catch (Sql.DuplicateKeyException e) {
            throw CfException.serviceBindingTaken();
        } catch (BrokerClient.BrokerCallException e) {
            throw CfException.serviceBrokerFailed(e.getMessage());
        }
        restarter.routesChanged(appGuid);
        return Response.status(Response.Status.CREATED).entity(ServiceShapes.binding(binding)).build();
    }

    @GET
    @Path("{guid}")
    public Map<String, Object> get(@PathParam("guid") String guid) {
        return ServiceShapes.binding(find(guid));
    }

    @DELETE
    @Path("{guid}")
    public Response delete(@PathParam("guid") String guid) {
        ServiceBinding binding = find(guid);
        try {
            provisioner.unbind(binding);
        } catch (BrokerClient.BrokerCallException e) {
            throw CfException.serviceBrokerFailed(e.getMessage());
        }
        restarter.routesChanged(binding.appGuid());
        return Response.noContent().build();
    }

    private ServiceBinding find(String guid) {
        return store.binding(guid).orElseThrow(() -> CfException.serviceBindingNotFound(guid));
    }
}
