package io.strato.role.controller.rest;

import javax.ws.rs.core.SecurityContext;
import io.strato.role.controller.tenancy.Space;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.AuditLog;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Access;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.role.controller.Sql;
import io.strato.role.controller.apps.App;
import io.strato.role.controller.services.BrokerClient;
import io.strato.role.controller.services.ManagedServiceInstance;
import io.strato.role.controller.services.ServiceBinding;
import io.strato.role.controller.services.ServiceProvisioner;
import io.strato.role.controller.services.ServiceStore;
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
    private final Lookup lookup;
    private final AuditLog audit;
    private final AppRouteResource.Remapper restarter;

    public ServiceBindingResource(ServiceStore store, ServiceProvisioner provisioner, Lookup lookup, AuditLog audit,
                                  AppRouteResource.Remapper restarter) {
        this.store = store;
        this.provisioner = provisioner;
        this.lookup = lookup;
        this.audit = audit;
        this.restarter = restarter;
    }

    /** The bindings of the apps the caller sees; credentials only where it may see the space's secrets. */
    @GET
    @Allow(Op.ANY_USER)
    public Map<String, Object> list(@Context UriInfo uri, @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        Map<String, String> spaceOfApp = new java.util.HashMap<>();
        return ServiceShapes.page(uri, store.bindings(Shapes.filter(uri, "app_guid"),
                Shapes.filter(uri, "service_instance_guid"), access.visibleSpaces()), b -> ServiceShapes.binding(b,
                access.seesSecrets(spaceOfApp.computeIfAbsent(b.appGuid(), store::spaceOfApp))));
    }

    @POST
    @Allow(Op.SPACE_WRITE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response create(String body, @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        ObjectNode json = Bodies.object(body);
        String instanceGuid = Bodies.text(json, "service_instance_guid");
        String appGuid = Bodies.text(json, "app_guid");
        if (instanceGuid == null || appGuid == null) {
            throw CfException.invalidRequest("service_instance_guid and app_guid are required");
        }
        Lookup.In<App> found = lookup.app(access, appGuid, Op.SPACE_WRITE);
        App app = found.thing();
        ManagedServiceInstance instance = lookup.serviceInstance(access, instanceGuid, Op.SPACE_READ).thing();
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
        audit.record("audit.service_binding.create", access.caller(), actee(binding, found.space()),
                Map.of("request", Map.of("app_guid", appGuid, "service_instance_guid", instanceGuid)));
        return Response.status(Response.Status.CREATED).entity(ServiceShapes.binding(binding, true)).build();
    }

    @GET
    @Path("{guid}")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> get(@PathParam("guid") String guid, @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        Lookup.In<ServiceBinding> found = lookup.binding(access, guid, Op.SPACE_READ);
        return ServiceShapes.binding(found.thing(), access.seesSecrets(found.space().guid()));
    }

    @DELETE
    @Path("{guid}")
    @Allow(Op.SPACE_WRITE)
    public Response delete(@PathParam("guid") String guid, @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        Lookup.In<ServiceBinding> found = lookup.binding(access, guid, Op.SPACE_WRITE);
        ServiceBinding binding = found.thing();
        try {
            provisioner.unbind(binding);
        } catch (BrokerClient.BrokerCallException e) {
            throw CfException.serviceBrokerFailed(e.getMessage());
        }
        restarter.routesChanged(binding.appGuid());
        audit.record("audit.service_binding.delete", access.caller(), actee(binding, found.space()), Map.of());
        return Response.noContent().build();
    }

    private static AuditLog.Actee actee(ServiceBinding binding, Space space) {
        return new AuditLog.Actee(binding.guid(), "service_binding", null, space.guid(), space.orgGuid());
    }
}
