package io.strato.role.controller.rest;

import io.strato.role.controller.apps.App;
import io.strato.role.controller.apps.AppStore;
import io.strato.role.controller.apps.Route;
import io.strato.role.controller.apps.RouteStore;
import io.strato.role.controller.services.ManagedServiceInstance;
import io.strato.role.controller.services.ServiceBinding;
import io.strato.role.controller.services.ServiceStore;
import io.strato.role.controller.tenancy.Access;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.Space;
import io.strato.role.controller.tenancy.Tenancy;
import java.util.function.Supplier;

/**
 * Finds the app, route, service instance or binding a path names, for a caller allowed to do {@code op} in
 * its space: whoever cannot see the space gets the thing's own 404, as if it did not exist.
 */
public final class Lookup {

    /** A thing and the space it lives in. */
    public record In<T>(T thing, Space space) {
    }

    private final Tenancy tenancy;
    private final AppStore apps;
    private final RouteStore routes;
    private final ServiceStore services;

    public Lookup(Tenancy tenancy, AppStore apps, RouteStore routes, ServiceStore services) {
        this.tenancy = tenancy;
        this.apps = apps;
        this.routes = routes;
        this.services = services;
    }

    public Tenancy tenancy() {
        return tenancy;
    }

    public In<App> app(Access access, String guid, Op op) {
        Supplier<CfException> notFound = () -> CfException.appNotFound(guid);
        App app = apps.find(guid).orElseThrow(notFound);
        return new In<>(app, tenancy.space(access, app.spaceGuid(), op, notFound));
    }

    public In<Route> route(Access access, String guid, Op op) {
        Supplier<CfException> notFound = () -> CfException.routeNotFound(guid);
        Route route = routes.find(guid).orElseThrow(notFound);
        return new In<>(route, tenancy.space(access, route.spaceGuid(), op, notFound));
    }

    public In<ManagedServiceInstance> serviceInstance(Access access, String guid, Op op) {
        Supplier<CfException> notFound = () -> CfException.serviceInstanceNotFound(guid);
        ManagedServiceInstance instance = services.instance(guid).orElseThrow(notFound);
        return new In<>(instance, tenancy.space(access, instance.spaceGuid(), op, notFound));
    }

    /** A binding lives in the space of its app (and of its service instance: both are in one space). */
    public In<ServiceBinding> binding(Access access, String guid, Op op) {
        Supplier<CfException> notFound = () -> CfException.serviceBindingNotFound(guid);
        ServiceBinding binding = services.binding(guid).orElseThrow(notFound);
        App app = apps.find(binding.appGuid()).orElseThrow(notFound);
        return new In<>(binding, tenancy.space(access, app.spaceGuid(), op, notFound));
    }

    /** The space a new thing goes in ({@code spaceGuid}, or the default space when the request names none). */
    public Space target(Access access, String spaceGuid, Op op) {
        String guid = spaceGuid != null ? spaceGuid : io.strato.role.controller.ControllerSchema.DEFAULT_SPACE_GUID;
        return tenancy.space(access, guid, op, () -> CfException.spaceNotFound(guid));
    }
}
