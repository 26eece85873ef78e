package io.strato.api.manifest;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an app's manifest asks for. Absent settings are null (scalars) or empty (collections), so a
 * caller can tell "not set" from a value and apply its own defaults.
 *
 * @param file         the file it was read from ({@code stackato.yml} or {@code manifest.yml})
 * @param name         app name
 * @param memoryMb     memory limit in MB
 * @param instances    number of instances
 * @param env          environment variables
 * @param services     service instance name → service label (e.g. {@code mydb → postgresql}); the label is
 *                     empty where the manifest names only the instance
 * @param urls         routes (host names, optionally with a path)
 * @param command      the start command ({@code command:})
 * @param webProcess   {@code processes: web:} of stackato.yml, which wins over {@code command}
 * @param preStaging   {@code hooks: pre-staging:} commands, run in the app dir before staging
 * @param postStaging  {@code hooks: post-staging:} commands, run after the requirements are installed
 * @param preRunning   {@code hooks: pre-running:} commands, run by the DEA before each start
 * @param pipRequirements    {@code requirements: pip:} packages
 * @param npmRequirements    {@code requirements: npm:} packages
 * @param ubuntuRequirements {@code requirements: ubuntu:} packages (reported; not installed by a stager)
 */
public record AppManifest(String file, String name, Long memoryMb, Integer instances, Map<String, String> env,
                          Map<String, String> services, List<String> urls, String command, String webProcess,
                          List<String> preStaging, List<String> postStaging, List<String> preRunning,
                          List<String> pipRequirements, List<String> npmRequirements,
                          List<String> ubuntuRequirements) {

    public AppManifest {
        Objects.requireNonNull(file, "file");
        env = env == null ? Map.of() : Map.copyOf(env);
        services = services == null ? Map.of() : Map.copyOf(services);
        urls = copy(urls);
        preStaging = copy(preStaging);
        postStaging = copy(postStaging);
        preRunning = copy(preRunning);
        pipRequirements = copy(pipRequirements);
        npmRequirements = copy(npmRequirements);
        ubuntuRequirements = copy(ubuntuRequirements);
    }

    /** A manifest that sets nothing. */
    public static AppManifest empty(String file) {
        return new AppManifest(file, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null);
    }

    /** The command that starts the web process: {@code processes: web:} first, then {@code command:}. */
    public String startCommand() {
        return webProcess != null ? webProcess : command;
    }

    private static List<String> copy(List<String> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
