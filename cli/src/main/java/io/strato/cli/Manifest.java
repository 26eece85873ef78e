package io.strato.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a stackato.yml or manifest.yml says about an app. Every field may be absent (null or empty);
 * command-line flags and defaults fill the gaps.
 *
 * @param file      the file it was read from, for messages; null when there was none
 * @param memory    megabytes
 * @param urls      routes as {@code host.domain}
 */
public record Manifest(String file, String name, Integer memory, Integer instances, String command,
                       Map<String, String> env, List<String> urls, List<ServiceRequest> services) {

    public static final Manifest NONE = new Manifest(null, null, null, null, null, Map.of(), List.of(), List.of());

    public Manifest {
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        urls = List.copyOf(urls);
        services = List.copyOf(services);
    }
}
