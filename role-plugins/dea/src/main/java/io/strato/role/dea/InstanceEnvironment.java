package io.strato.role.dea;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.api.app.InstanceOrder;
import io.strato.api.json.Json;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment of an instance, in layers where a later one wins: a clean base (PATH, LANG), the
 * droplet's runtime variables, the app's own environment and service variables from the order, then
 * what the platform guarantees (PORT, HOME, VCAP_APPLICATION, VCAP_SERVICES, ...), as Cloud Foundry and
 * Stackato set them.
 */
final class InstanceEnvironment {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final DateTimeFormatter CF_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z")
            .withZone(ZoneOffset.UTC);

    /** Limits the instance runs under, as VCAP_APPLICATION reports them. */
    record Limits(long memoryMb, long diskMb, int fds) {
    }

    private InstanceEnvironment() {
    }

    static Map<String, String> build(InstanceOrder order, String instanceId, int port, Path home, Path app,
                                     DropletDescriptor droplet, Limits limits, Instant started) {
        Map<String, String> env = new LinkedHashMap<>();
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        // apps of a static site and Java apps need a java; the node's own is always there
        path = path + ":" + Path.of(System.getProperty("java.home"), "bin");
        env.put("PATH", path);
        env.put("LANG", System.getenv().getOrDefault("LANG", "C.UTF-8"));
        env.put("HOME", home.toString());
        env.put("STACKATO_APP_ROOT", app.toString());
        env.put("TMPDIR", home.resolve("tmp").toString());
        droplet.env().forEach((k, v) -> env.put(k, expand(v, env)));
        env.putAll(order.environment());

        String name = order.appName() == null ? "" : order.appName();
        env.put("PORT", String.valueOf(port));
        env.put("VCAP_APP_PORT", String.valueOf(port));
        env.put("VCAP_APP_HOST", "0.0.0.0");
        env.put("HOME", home.toString());
        env.put("STACKATO_APP_ROOT", app.toString());
        env.put("STACKATO_APP_NAME", name);
        env.put("MEMORY_LIMIT", limits.memoryMb() + "m");
        env.put("INSTANCE_INDEX", String.valueOf(order.index()));
        env.put("CF_INSTANCE_INDEX", String.valueOf(order.index()));
        env.put("CF_INSTANCE_PORT", String.valueOf(port));
        env.put("VCAP_APPLICATION", vcapApplication(order, instanceId, port, limits, started));
        env.put("VCAP_SERVICES", order.services() == null || order.services().isBlank() ? "{}" : order.services());
        return env;
    }

    static String vcapApplication(InstanceOrder order, String instanceId, int port, Limits limits, Instant started) {
        ObjectNode json = Json.mapper().createObjectNode();
        String name = order.appName() == null ? "" : order.appName();
        List<String> uris = order.uris();
        json.put("instance_id", instanceId);
        json.put("instance_index", order.index());
        json.put("application_id", order.appGuid());
        json.put("application_name", name);
        json.put("application_version", order.appVersion());
        json.set("application_uris", array(uris));
        json.put("name", name);
        json.put("version", order.appVersion());
        json.set("uris", array(uris));
        ObjectNode l = json.putObject("limits");
        l.put("mem", limits.memoryMb());
        l.put("disk", limits.diskMb());
        l.put("fds", limits.fds());
        json.put("host", "0.0.0.0");
        json.put("port", port);
        String time = CF_TIME.format(started);
        json.put("start", time);
        json.put("started_at", time);
        json.put("started_at_timestamp", started.getEpochSecond());
        json.put("state_timestamp", started.getEpochSecond());
        // orders do not carry the space; the keys are kept so that cfenv-style readers find them
        json.putNull("space_name");
        json.putNull("space_id");
        json.putNull("users");
        return Json.write(json);
    }

    private static ArrayNode array(List<String> values) {
        ArrayNode array = Json.mapper().createArrayNode();
        values.forEach(array::add);
        return array;
    }

    /** {@code ${NAME}} becomes the value NAME has so far; unknown names become empty. */
    static String expand(String value, Map<String, String> env) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(env.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return out.toString();
    }
}
