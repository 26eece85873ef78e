package io.strato.role.controller.apps;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The cluster's app domain as Cloud Foundry's one shared domain. Its guid is derived from its name, so
 * every controller gives it the same guid without storing it.
 */
public record SharedDomain(String guid, String name) {

    public static SharedDomain of(String name) {
        return new SharedDomain(UUID.nameUUIDFromBytes(("strato-shared-domain:" + name).getBytes(StandardCharsets.UTF_8))
                .toString(), name);
    }
}
