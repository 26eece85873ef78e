package io.strato.role.controller.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.api.json.Json;
import io.strato.role.controller.apps.BoundServices;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The variables an app gets from its bindings: VCAP_SERVICES in Cloud Foundry's format
 * ({@code {"<label>": [{name, label, plan, tags, credentials}]}}) and Stackato's shortcuts: DATABASE_URL for
 * the one relational service, {@code <TYPE>_URL} for the one service of a type, STACKATO_SERVICES (name →
 * credentials), for the filesystem service STACKATO_FILESYSTEM and STACKATO_FILESYSTEM_&lt;NAME&gt; (its directory),
 * and for the harbor service STACKATO_HARBOR and STACKATO_HARBOR_&lt;NAME&gt; (its public port).
 */
public final class ServiceEnvironment implements BoundServices {

    static final String RELATIONAL_TAG = "relational";
    static final String FILESYSTEM_LABEL = "filesystem";
    static final String HARBOR_LABEL = "harbor";
    /** Stackato's per-type variables, by service label. */
    static final Map<String, String> URL_VARIABLES = Map.of(
            "postgresql", "POSTGRESQL_URL",
            "mysql", "MYSQL_URL",
            "redis", "REDIS_URL",
            "mongodb", "MONGODB_URL",
            "rabbitmq", "RABBITMQ_URL",
            "rabbit", "RABBITMQ_URL",
            "memcached", "MEMCACHED_URL");

    /** A binding with its instance, which is what both formats are built from. */
    private record Bound(ManagedServiceInstance instance, JsonNode credentials) {
        String uri() {
            return credentials.path("uri").asText("");
        }
    }

    private final ServiceStore store;

    public ServiceEnvironment(ServiceStore store) {
        this.store = store;
    }

    @Override
    public String vcapServices(String appGuid) {
        return vcapServicesJson(appGuid).toString();
    }

    public ObjectNode vcapServicesJson(String appGuid) {
        ObjectNode vcap = Json.mapper().createObjectNode();
        for (Bound b : bound(appGuid)) {
            ArrayNode list = vcap.has(b.instance().label()) ? (ArrayNode) vcap.get(b.instance().label())
                    : vcap.putArray(b.instance().label());
            ObjectNode entry = list.addObject();
            entry.put("name", b.instance().name());
            entry.put("label", b.instance().label());
            entry.put("plan", b.instance().plan());
            ArrayNode tags = entry.putArray("tags");
            b.instance().tags().forEach(tags::add);
            entry.set("credentials", b.credentials());
        }
        return vcap;
    }

    @Override
    public Map<String, String> environment(String appGuid) {
        List<Bound> bound = bound(appGuid);
        Map<String, String> env = new LinkedHashMap<>();
        if (bound.isEmpty()) {
            return env;
        }
        only(bound.stream().filter(b -> b.instance().tags().contains(RELATIONAL_TAG)).toList())
                .ifPresent(b -> env.put("DATABASE_URL", b.uri()));
        URL_VARIABLES.forEach((label, variable) ->
                only(bound.stream().filter(b -> b.instance().label().equals(label)).toList())
                        .ifPresent(b -> env.put(variable, b.uri())));
        ObjectNode byName = Json.mapper().createObjectNode();
        bound.forEach(b -> byName.set(b.instance().name(), b.credentials()));
        env.put("STACKATO_SERVICES", byName.toString());
        List<Bound> filesystems = bound.stream()
                .filter(b -> b.instance().label().equals(FILESYSTEM_LABEL)).toList();
        only(filesystems).ifPresent(b -> env.put("STACKATO_FILESYSTEM", dir(b)));
        filesystems.forEach(b -> env.put("STACKATO_FILESYSTEM_" + variableName(b.instance().name()), dir(b)));
        List<Bound> harbors = bound.stream().filter(b -> b.instance().label().equals(HARBOR_LABEL)).toList();
        only(harbors).ifPresent(b -> env.put("STACKATO_HARBOR", b.credentials().path("port").asText()));
        harbors.forEach(b -> env.put("STACKATO_HARBOR_" + variableName(b.instance().name()),
                b.credentials().path("port").asText()));
        return env;
    }

    /** A service name as part of a variable name: upper case, anything but letters and digits as "_". */
    static String variableName(String serviceName) {
        return serviceName.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static String dir(Bound b) {
        return b.credentials().path("dir").asText(b.uri());
    }

    /** The one element; none when there are several, since a shortcut to one of them would be a guess. */
    private static Optional<Bound> only(List<Bound> bound) {
        return bound.size() == 1 ? Optional.of(bound.get(0)) : Optional.empty();
    }

    private List<Bound> bound(String appGuid) {
        List<Bound> out = new ArrayList<>();
        for (ServiceBinding b : store.bindings(appGuid, null)) {
            store.instance(b.instanceGuid()).ifPresent(i -> out.add(new Bound(i, credentials(b))));
        }
        return out;
    }

    private static JsonNode credentials(ServiceBinding b) {
        try {
            return Json.mapper().readTree(b.credentials());
        } catch (IOException e) {
            return Json.mapper().createObjectNode();
        }
    }
}
