package io.strato.role.controller.rest;

import javax.ws.rs.core.SecurityContext;
import io.strato.role.controller.tenancy.Space;
import io.strato.role.controller.tenancy.QuotaCheck;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.AuditLog;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.role.controller.Sql;
import io.strato.role.controller.services.BrokerClient;
import io.strato.role.controller.services.ManagedServiceInstance;
import io.strato.role.controller.services.ServiceBinding;
import io.strato.role.controller.services.ServiceCatalog;
import io.strato.role.controller.services.ServiceProvisioner;
import io.strato.role.controller.services.ServiceStore;
import java.util.List;
import java.util.Map;
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
    private final Lookup lookup;
    private final QuotaCheck quotas;
    private final AuditLog audit;
    private final AppRouteResource.Remapper restarter;

    public ServiceInstanceResource(ServiceStore store, ServiceCatalog catalog, ServiceProvisioner provisioner,
                                   Lookup lookup, QuotaCheck quotas, AuditLog audit,
                                   AppRouteResource.Remapper restarter) {
        this.store = store;
        this.catalog = catalog;
        this.provisioner = provisioner;
        this.lookup = lookup;
        this.quotas = quotas;
        this.audit = audit;
        this.restarter = restarter;
    }

    @GET
    @Allow(Op.ANY_USER)
    public Map<String, Object> list(@Context UriInfo uri, @Context SecurityContext security) {
        return page(uri, lookup.tenancy().access(security), Shapes.filter(uri, "space_guid"));
    }

    /** A page of the service instances the caller sees, by {@code q=name:} and in one space or all. */
    Map<String, Object> page(UriInfo uri, Access access, String spaceGuid) {
        return ServiceShapes.page(uri, store.instances(Shapes.filter(uri, "name"), spaceGuid, access.visibleSpaces()),
                ServiceShapes::instance);
    }

    @POST
    @Allow(Op.SPACE_WRITE)
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response create(String body, @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        ObjectNode json = Bodies.object(body);
        String name = Bodies.text(json, "name");
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw CfException.serviceInstanceInvalid("name must have 1 to " + MAX_NAME + " characters");
        }
        Space space = lookup.target(access, Bodies.text(json, "space_guid"), Op.SPACE_WRITE);
        String planGuid = Bodies.text(json, "service_plan_guid");
        if (planGuid == null) {
            throw CfException.serviceInstanceInvalid("service_plan_guid is required");
        }
        ServiceCatalog.Plan plan = catalog.plan(planGuid).orElseThrow(() -> CfException.invalidRequest(
                "no service in the marketplace has plan " + planGuid + ": see GET /v2/service_plans"));
        if (store.nameTaken(space.guid(), name)) {
            throw CfException.serviceInstanceNameTaken(name);
        }
        quotas.serviceInstance(space, !plan.plan().free());
        ManagedServiceInstance instance;
        try {
            instance = provisioner.provision(name, space.guid(), plan, parameters(json));
        } catch (Sql.DuplicateKeyException e) {
            throw CfException.serviceInstanceNameTaken(name);
        } catch (BrokerClient.BrokerCallException e) {
            throw CfException.serviceBrokerFailed(e.getMessage());
        }
        audit.record("audit.service_instance.create", access.caller(), actee(instance, space),
                Map.of("request", Map.of("name", name, "service_plan_guid", planGuid, "space_guid", space.guid())));
        return Response.status(Response.Status.CREATED).entity(ServiceShapes.instance(instance)).build();
    }

    @GET
    @Path("{guid}")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> get(@PathParam("guid") String guid, @Context SecurityContext security) {
        return ServiceShapes.instance(lookup.serviceInstance(lookup.tenancy().access(security), guid, Op.SPACE_READ).thing());
    }

    @GET
    @Path("{guid}/service_bindings")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> bindings(@PathParam("guid") String guid, @Context UriInfo uri,
                                        @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        Space space = lookup.serviceInstance(access, guid, Op.SPACE_READ).space();
        boolean secrets = access.seesSecrets(space.guid());
        return ServiceShapes.page(uri, store.bindings(null, guid), b -> ServiceShapes.binding(b, secrets));
    }

    @DELETE
    @Path("{guid}")
    @Allow(Op.SPACE_WRITE)
    public Response delete(@PathParam("guid") String guid, @QueryParam("recursive") boolean recursive,
                           @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        Lookup.In<ManagedServiceInstance> found = lookup.serviceInstance(access, guid, Op.SPACE_WRITE);
        if (!recursive && !store.bindings(null, guid).isEmpty()) {
            throw CfException.associationNotEmpty();
        }
        delete(found.thing());
        audit.record("audit.service_instance.delete", access.caller(), actee(found.thing(), found.space()), Map.of());
        return Response.noContent().build();
    }

    /** Unbinds every app (their instances restart without it), then deprovisions the instance. */
    void delete(ManagedServiceInstance instance) {
        try {
            for (ServiceBinding b : store.bindings(null, instance.guid())) {
                provisioner.unbind(b);
                restarter.routesChanged(b.appGuid());
            }
            provisioner.deprovision(instance);
        } catch (BrokerClient.BrokerCallException e) {
            throw CfException.serviceBrokerFailed(e.getMessage());
        }
    }

    private static AuditLog.Actee actee(ManagedServiceInstance instance, Space space) {
        return new AuditLog.Actee(instance.guid(), "service_instance", instance.name(), space.guid(), space.orgGuid());
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
}
