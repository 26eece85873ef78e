package io.strato.role.dea;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code strato-droplet.json}, written by the stager at the top of every droplet.
 *
 * @param startCommand    how to start the web process
 * @param buildpack       the runtime the stager detected
 * @param preRunningHooks commands to run before each start
 * @param env             variables the runtime needs; values may refer to other variables as {@code ${NAME}}
 */
record DropletDescriptor(String startCommand, String buildpack, List<String> preRunningHooks, Map<String, String> env) {

    static final String FILE = "strato-droplet.json";

    DropletDescriptor {
        preRunningHooks = List.copyOf(preRunningHooks);
        env = Map.copyOf(env);
    }

    /** The descriptor of an unpacked droplet; a droplet without one starts only with an explicit command. */
    static DropletDescriptor read(Path app) throws IOException {
        Path file = app.resolve(FILE);
        // the DEA may run as root: a link here could make it read any file and echo it in an error
        if (Files.isSymbolicLink(file)) {
            throw new IOException("the droplet is unsafe: " + FILE + " is a symbolic link");
        }
        if (!Files.isRegularFile(file)) {
            return new DropletDescriptor(null, null, List.of(), Map.of());
        }
        JsonNode json = Json.mapper().readTree(file.toFile());
        List<String> hooks = new ArrayList<>();
        json.path("pre_running_hooks").forEach(h -> hooks.add(h.asText()));
        Map<String, String> env = new LinkedHashMap<>();
        json.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        String command = json.path("start_command").asText(null);
        return new DropletDescriptor(command == null || command.isBlank() ? null : command,
                json.path("buildpack").asText(null), hooks, env);
    }
}
