package io.strato.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Creates the services a manifest asks for when they do not exist yet, and binds them to the app. */
public final class ManifestServices {

    private final ControllerClient controller;
    private final String spaceGuid;
    private final String manifestFile;
    private final PrintStream out;

    public ManifestServices(ControllerClient controller, String spaceGuid, String manifestFile, PrintStream out) {
        this.controller = controller;
        this.spaceGuid = spaceGuid;
        this.manifestFile = manifestFile;
        this.out = out;
    }

    public void provisionAndBind(App app, List<ServiceRequest> requests) {
        if (requests.isEmpty()) {
            return;
        }
        Set<String> bound = controller.appBindings(app.guid()).stream()
                .map(ServiceBinding::serviceInstanceGuid).collect(Collectors.toSet());
        for (ServiceRequest request : requests) {
            ServiceInstance instance = controller.findServiceInstance(request.name())
                    .orElseGet(() -> create(request));
            if (!bound.contains(instance.guid())) {
                controller.bind(instance.guid(), app.guid());
                out.println("Bound service '" + instance.name() + "'");
            }
        }
    }

    private ServiceInstance create(ServiceRequest request) {
        if (request.label() == null) {
            throw new CliError("Service '" + request.name() + "' named in " + manifestFile
                    + " does not exist: run `strato create-service <type> " + request.name() + "`");
        }
        ServicePlan plan = controller.planFor(request.label(), null);
        try (Waiting waiting = Waiting.start(out, "Creating service '" + request.name() + "' (" + request.label()
                + ", plan " + plan.name() + ")")) {
            ServiceInstance created = controller.createServiceInstance(request.name(), plan.guid(), spaceGuid, Map.of());
            waiting.done();
            return created;
        }
    }
}
