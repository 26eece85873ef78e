package io.strato.api.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an app gets for a binding. {@link #toMap()} gives Stackato's key set (uri, name, hostname and
 * host, port, username and user, password) plus the plugin's extra keys, as they appear in
 * VCAP_SERVICES.
 *
 * @param uri      connection URI with credentials, e.g. postgres://u:p@127.0.0.1:5432/db
 * @param name     database / vhost / directory name
 * @param hostname host to connect to
 * @param port     port to connect to
 * @param username user name (may be empty where the server has none)
 * @param password password (may be empty where the server has none)
 * @param extra    further keys, e.g. "dir" for filesystem
 */
public record ServiceCredentials(String uri, String name, String hostname, int port, String username, String password,
                                 Map<String, String> extra) {
    public ServiceCredentials {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hostname, "hostname");
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uri", uri);
        m.put("name", name);
        m.put("hostname", hostname);
        m.put("host", hostname);
        m.put("port", port);
        m.put("username", username);
        m.put("user", username);
        m.put("password", password);
        m.putAll(extra);
        return m;
    }
}
