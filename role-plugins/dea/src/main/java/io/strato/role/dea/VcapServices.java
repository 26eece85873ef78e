package io.strato.role.dea;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.json.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What an instance's bound services give it, read from the VCAP_SERVICES the controller wrote (never from
 * the app's own environment, which its user sets): where it may connect and which directories it may write.
 */
final class VcapServices {

    private VcapServices() {
    }

    /** host and port of every bound service that names both in its credentials. */
    static List<String[]> hostPorts(String vcapServices) {
        List<String[]> out = new ArrayList<>();
        forEachCredentials(vcapServices, credentials -> {
            String host = credentials.path("host").asText(credentials.path("hostname").asText(""));
            int port = credentials.path("port").asInt(0);
            if (!host.isEmpty() && port > 0 && port < 65536) {
                out.add(new String[] {host, String.valueOf(port)});
            }
        });
        return out;
    }

    /** The absolute directories of bound filesystem services ({@code dir} in their credentials). */
    static List<Path> directories(String vcapServices) {
        List<Path> out = new ArrayList<>();
        forEachCredentials(vcapServices, credentials -> {
            String dir = credentials.path("dir").asText("");
            if (dir.startsWith("/") && !dir.contains("/../") && !dir.endsWith("/..")) {
                out.add(Path.of(dir));
            }
        });
        return out;
    }

    private static void forEachCredentials(String vcapServices, Consumer<JsonNode> each) {
        if (vcapServices == null || vcapServices.isBlank()) {
            return;
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(vcapServices);
        } catch (IOException e) {
            return;
        }
        root.fields().forEachRemaining(label -> label.getValue().forEach(binding -> each.accept(binding.path("credentials"))));
    }
}
