package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.StreamSupport;

/** The controller's v2 API in the terms the commands use: apps, routes, services, logs. */
public final class CloudController {

    public static final String STAGING_LOG_HEADER = "X-App-Staging-Log";

    private final ApiClient api;

    public CloudController(ApiClient api) {
        this.api = api;
    }

    // --- apps

    public List<App> apps() {
        return api.list("/v2/apps").stream().map(App::from).toList();
    }

    public Optional<App> findApp(String name) {
        // Filter again locally: a controller that ignores q= must not make us pick the wrong app.
        return api.list("/v2/apps?q=" + ApiClient.encode("name:" + name)).stream()
                .map(App::from).filter(a -> a.name().equals(name)).findFirst();
    }

    public App requireApp(String name) {
        return findApp(name).orElseThrow(() -> new CliError("App '" + name + "' not found: run `strato apps` to list them"));
    }

    public App app(String guid) {
        return App.from(api.get("/v2/apps/" + guid).body());
    }

    public App createApp(Map<String, Object> fields) {
        return App.from(api.post("/v2/apps", fields).body());
    }

    /** Updates an app; the response may carry {@value #STAGING_LOG_HEADER} when this starts staging. */
    public ApiResponse updateApp(String guid, Map<String, Object> fields) {
        return api.put("/v2/apps/" + guid, fields);
    }

    public void deleteApp(String guid) {
        api.delete("/v2/apps/" + guid);
    }

    public ApiResponse uploadBits(String guid, Path zip, LongConsumer progress) {
        MultipartUpload upload = new MultipartUpload(zip);
        HttpRequest request = api.request("/v2/apps/" + guid + "/bits")
                .timeout(Duration.ofMinutes(30))
                .header("Content-Type", upload.contentType())
                .PUT(upload.publisher(progress))
                .build();
        return api.send(request);
    }

    /** Instance index to state, e.g. {@code "0" -> RUNNING}. */
    public Map<String, InstanceState> instances(String guid) {
        JsonNode body = api.get("/v2/apps/" + guid + "/instances").body();
        Map<String, InstanceState> instances = new LinkedHashMap<>();
        body.fields().forEachRemaining(e -> instances.put(e.getKey(), InstanceState.from(e.getValue())));
        return instances;
    }

    /** The app's latest events, newest first: one page of {@code /v2/events}, at most {@code num}. */
    public List<AppEvent> appEvents(String guid, int num) {
        JsonNode page = api.get("/v2/events?q=" + ApiClient.encode("actee:" + guid)
                + "&order-direction=desc&results-per-page=" + num).body();
        return StreamSupport.stream(page.path("resources").spliterator(), false).map(AppEvent::from)
                .limit(num).toList();
    }

    public JsonNode stats(String guid) {
        return api.get("/v2/apps/" + guid + "/stats").body();
    }

    public JsonNode env(String guid) {
        return api.get("/v2/apps/" + guid + "/env").body();
    }

    public List<LogLine> recentLogs(String guid, int num) {
        JsonNode body = api.get("/v2/apps/" + guid + "/logs?num=" + num).body();
        return StreamSupport.stream(body.path("lines").spliterator(), false)
                .map(LogLine::from).toList();
    }

    /** Blocks, handing each log line to {@code sink} until the server or the user ends the stream. */
    public void followLogs(String guid, int num, Consumer<LogLine> sink) {
        streamLines("/v2/apps/" + guid + "/logs?follow=true&num=" + num, line -> {
            if (!line.isBlank()) {
                try {
                    sink.accept(LogLine.from(ApiClient.JSON.readTree(line)));
                } catch (IOException e) {
                    throw new CliError("Unreadable log line from the controller: " + line);
                }
            }
        });
    }

    /** Copies a text stream (the staging log) line by line until the server closes it. */
    public void streamLines(String url, Consumer<String> sink) {
        try (InputStream in = api.stream(url);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                sink.accept(line);
            }
        } catch (IOException e) {
            throw CliError.unreachable(api.target(), e);
        }
    }

    // --- spaces, domains, routes

    public String defaultSpaceGuid() {
        return api.list("/v2/spaces").stream().findFirst()
                .map(s -> s.path("metadata").path("guid").asText())
                .orElseThrow(() -> new CliError("The controller has no space to put apps in: ask an admin to create one"));
    }

    /**
     * {@code http://<route>}, with the routers' port when the controller reports one other than 80 (a
     * controller that does not report it gets the plain URL).
     */
    public String appUrl(String route) {
        JsonNode port;
        try {
            port = api.get("/v2/info").body().path("app_port");
        } catch (CliError olderController) {
            port = null;
        }
        return "http://" + route + (port != null && port.isInt() ? ":" + port.asInt() : "");
    }

    public List<Domain> sharedDomains() {
        return api.list("/v2/shared_domains").stream().map(Domain::from).toList();
    }

    public Optional<Route> findRoute(String host, String domainGuid) {
        return api.list("/v2/routes?q=" + ApiClient.encode("host:" + host)).stream()
                .map(Route::from)
                .filter(r -> r.host().equals(host) && r.domainGuid().equals(domainGuid))
                .findFirst();
    }

    public Route createRoute(String host, String domainGuid, String spaceGuid) {
        return Route.from(api.post("/v2/routes",
                Map.of("host", host, "domain_guid", domainGuid, "space_guid", spaceGuid)).body());
    }

    public List<Route> appRoutes(String appGuid) {
        return api.list("/v2/apps/" + appGuid + "/routes").stream().map(Route::from).toList();
    }

    public void mapRoute(String appGuid, String routeGuid) {
        api.put("/v2/apps/" + appGuid + "/routes/" + routeGuid, Map.of());
    }

    public void deleteRoute(String routeGuid) {
        api.delete("/v2/routes/" + routeGuid);
    }

    // --- services

    public List<ServiceOffering> services() {
        return api.list("/v2/services").stream().map(ServiceOffering::from).toList();
    }

    public List<ServicePlan> plans(String serviceGuid) {
        return api.list("/v2/service_plans?q=" + ApiClient.encode("service_guid:" + serviceGuid)).stream()
                .map(ServicePlan::from).filter(p -> p.serviceGuid().isEmpty() || p.serviceGuid().equals(serviceGuid))
                .toList();
    }

    /** The named plan of a marketplace service, or its first plan when no name is given. */
    public ServicePlan planFor(String label, String planName) {
        ServiceOffering offering = services().stream().filter(s -> s.label().equals(label)).findFirst()
                .orElseThrow(() -> new CliError("No service '" + label + "' in the marketplace: run `strato marketplace`"));
        List<ServicePlan> plans = plans(offering.guid());
        if (planName == null) {
            return plans.stream().findFirst()
                    .orElseThrow(() -> new CliError("Service '" + label + "' has no plans: ask an admin to check it"));
        }
        return plans.stream().filter(p -> p.name().equals(planName)).findFirst()
                .orElseThrow(() -> new CliError("Service '" + label + "' has no plan '" + planName + "': plans are "
                        + String.join(", ", plans.stream().map(ServicePlan::name).toList())));
    }

    public List<ServiceInstance> serviceInstances() {
        return api.list("/v2/service_instances").stream().map(ServiceInstance::from).toList();
    }

    public Optional<ServiceInstance> findServiceInstance(String name) {
        return serviceInstances().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public ServiceInstance requireServiceInstance(String name) {
        return findServiceInstance(name).orElseThrow(() ->
                new CliError("Service '" + name + "' not found: run `strato services` to list them"));
    }

    public ServiceInstance createServiceInstance(String name, String planGuid, String spaceGuid,
                                                 Map<String, String> parameters) {
        return ServiceInstance.from(api.post("/v2/service_instances", Map.of("name", name, "service_plan_guid", planGuid,
                "space_guid", spaceGuid, "parameters", parameters)).body());
    }

    public void deleteServiceInstance(String guid, boolean recursive) {
        api.delete("/v2/service_instances/" + guid + (recursive ? "?recursive=true" : ""));
    }

    public List<ServiceBinding> appBindings(String appGuid) {
        return api.list("/v2/apps/" + appGuid + "/service_bindings").stream().map(ServiceBinding::from).toList();
    }

    public ServiceBinding bind(String serviceInstanceGuid, String appGuid) {
        return ServiceBinding.from(api.post("/v2/service_bindings",
                Map.of("service_instance_guid", serviceInstanceGuid, "app_guid", appGuid)).body());
    }

    public void unbind(String bindingGuid) {
        api.delete("/v2/service_bindings/" + bindingGuid);
    }
}
