package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
public final class ControllerClient {

    public static final String STAGING_LOG_HEADER = "X-App-Staging-Log";

    private final ApiClient api;
    private final String spaceGuid;

    public ControllerClient(ApiClient api) {
        this(api, null);
    }

    /** A controller whose app, route and service commands work in the given (targeted) space. */
    public ControllerClient(ApiClient api, String spaceGuid) {
        this.api = api;
        this.spaceGuid = spaceGuid;
    }

    public ApiClient api() {
        return api;
    }

    /** The targeted space, or the error that tells the user to target one. */
    public String spaceGuid() {
        if (spaceGuid == null) {
            throw CliError.noSpace();
        }
        return spaceGuid;
    }

    private static String byName(String name) {
        return "?q=" + ApiClient.encode("name:" + name);
    }

    // --- apps

    /** The apps of the targeted space. */
    public List<App> apps() {
        return api.list("/v2/spaces/" + spaceGuid() + "/apps").stream().map(App::from).toList();
    }

    public Optional<App> findApp(String name) {
        // Filter again locally: a controller that ignores q= must not make us pick the wrong app.
        return api.list("/v2/spaces/" + spaceGuid() + "/apps" + byName(name)).stream()
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
        return api.upload("PUT", "/v2/apps/" + guid + "/bits", upload.contentType(), upload.contentLength(),
                () -> upload.open(progress), Duration.ofMinutes(30));
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

    // --- domains, routes

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
        return api.list("/v2/spaces/" + spaceGuid() + "/routes?q=" + ApiClient.encode("host:" + host)).stream()
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

    /** The service instances of the targeted space. */
    public List<ServiceInstance> serviceInstances() {
        return api.list("/v2/spaces/" + spaceGuid() + "/service_instances").stream().map(ServiceInstance::from).toList();
    }

    public Optional<ServiceInstance> findServiceInstance(String name) {
        return serviceInstances().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * The service instance and the app a binding command names, the service first (as Stackato's client has it);
     * when they are the other way round (Cloud Foundry's order) the error says how to write it.
     */
    public ServiceAndApp requireServiceAndApp(String command, String service, String app) {
        Optional<ServiceInstance> instance = findServiceInstance(service);
        if (instance.isEmpty() && findApp(service).isPresent() && findServiceInstance(app).isPresent()) {
            throw new CliError("'" + service + "' is an app and '" + app + "' a service: the service comes first, `strato "
                    + command + " " + app + " " + service + "`");
        }
        return new ServiceAndApp(instance.orElseThrow(() -> serviceNotFound(service)), requireApp(app));
    }

    /** A service instance and an app of the targeted space. */
    public record ServiceAndApp(ServiceInstance service, App app) {
    }

    public ServiceInstance requireServiceInstance(String name) {
        return findServiceInstance(name).orElseThrow(() -> serviceNotFound(name));
    }

    private static CliError serviceNotFound(String name) {
        return new CliError("Service '" + name + "' not found: run `strato services` to list them");
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

    // --- organizations and spaces

    public List<Org> orgs() {
        return api.list("/v2/organizations").stream().map(Org::from).toList();
    }

    public Optional<Org> findOrg(String name) {
        return api.list("/v2/organizations" + byName(name)).stream().map(Org::from)
                .filter(o -> o.name().equals(name)).findFirst();
    }

    public Org requireOrg(String name) {
        return findOrg(name).orElseThrow(() -> new CliError("Org '" + name + "' not found: run `strato orgs` to list them"));
    }

    public Org createOrg(String name, String quotaGuid) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        if (quotaGuid != null) {
            body.put("quota_definition_guid", quotaGuid);
        }
        return Org.from(api.post("/v2/organizations", body).body());
    }

    public void updateOrg(String guid, Map<String, Object> fields) {
        api.put("/v2/organizations/" + guid, fields);
    }

    public void deleteOrg(String guid) {
        api.delete("/v2/organizations/" + guid + "?recursive=true");
    }

    public List<Space> spaces(String orgGuid) {
        return api.list("/v2/organizations/" + orgGuid + "/spaces").stream().map(Space::from).toList();
    }

    public Optional<Space> findSpace(String orgGuid, String name) {
        return api.list("/v2/organizations/" + orgGuid + "/spaces" + byName(name)).stream().map(Space::from)
                .filter(s -> s.name().equals(name)).findFirst();
    }

    public Space requireSpace(Org org, String name) {
        return findSpace(org.guid(), name).orElseThrow(() -> new CliError("Space '" + name + "' not found in org '"
                + org.name() + "': run `strato spaces` to list them"));
    }

    public Space createSpace(String name, String orgGuid) {
        return Space.from(api.post("/v2/spaces", Map.of("name", name, "organization_guid", orgGuid)).body());
    }

    public void deleteSpace(String guid) {
        api.delete("/v2/spaces/" + guid + "?recursive=true");
    }

    // --- roles: kind is "organizations" or "spaces", role e.g. "managers"

    public List<String> roleUsers(String kind, String guid, String role) {
        return api.list("/v2/" + kind + "/" + guid + "/" + role).stream()
                .map(u -> u.path("entity").path("username").asText(u.path("metadata").path("guid").asText()))
                .toList();
    }

    public void setRole(String kind, String guid, String role, String username) {
        api.put("/v2/" + kind + "/" + guid + "/" + role, Map.of("username", username));
    }

    public void unsetRole(String kind, String guid, String role, String username) {
        api.post("/v2/" + kind + "/" + guid + "/" + role + "/remove", Map.of("username", username));
    }

    // --- quotas

    public List<Quota> quotas() {
        return api.list("/v2/quota_definitions").stream().map(Quota::from).toList();
    }

    public Optional<Quota> findQuota(String name) {
        return api.list("/v2/quota_definitions" + byName(name)).stream().map(Quota::from)
                .filter(q -> q.name().equals(name)).findFirst();
    }

    public Quota requireQuota(String name) {
        return findQuota(name).orElseThrow(() -> new CliError("Quota '" + name + "' not found: run `strato quotas` to list them"));
    }

    public Quota createQuota(Map<String, Object> fields) {
        return Quota.from(api.post("/v2/quota_definitions", fields).body());
    }

    // --- users (UAA-shaped endpoints on the token endpoint)

    public String createUser(String uaa, String name, String password) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userName", name);
        body.put("password", password);
        body.put("emails", List.of(Map.of("value", name)));
        return api.post(uaa + "/Users", body).body().path("id").asText();
    }

    public Optional<String> findUserId(String uaa, String name) {
        // %20, not +: a space in a filter must not depend on how the server decodes a plus sign.
        String filter = ApiClient.encode("userName eq \"" + name + "\"").replace("+", "%20");
        JsonNode found = api.get(uaa + "/Users?filter=" + filter).body();
        return StreamSupport.stream(found.path("resources").spliterator(), false)
                .filter(u -> name.equals(u.path("userName").asText()))
                .map(u -> u.path("id").asText()).findFirst();
    }

    public void deleteUser(String uaa, String id) {
        api.delete(uaa + "/Users/" + id);
    }

    public void changePassword(String uaa, String id, String oldPassword, String newPassword) {
        api.put(uaa + "/Users/" + id + "/password", Map.of("oldPassword", oldPassword, "password", newPassword));
    }
}
