package io.strato.api.service.process;

import java.util.Map;
import java.util.Objects;

/**
 * One service instance that has a server of its own, as kept in its directory so the node can run the
 * server again after a restart (the broker hands instances back only on calls).
 *
 * @param id    the service instance id
 * @param port  the port its server listens on
 * @param facts what else the plugin needs to run and bind it, e.g. its password
 */
public record InstanceServer(String id, int port, Map<String, String> facts) {

    public InstanceServer {
        Objects.requireNonNull(id, "id");
        facts = facts == null ? Map.of() : Map.copyOf(facts);
    }

    public String fact(String key) {
        String value = facts.get(key);
        if (value == null) {
            throw new IllegalStateException("service instance " + id + " has no " + key);
        }
        return value;
    }
}
