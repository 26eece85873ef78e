package io.strato.role.controller.apps;

import java.util.Objects;

/** A route: {@code http://<host>.<domainName>} goes to the apps mapped to it. */
public record Route(String guid, String host, String domainGuid, String domainName, String spaceGuid, long createdAt) {
    public Route {
        Objects.requireNonNull(guid, "guid");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(domainGuid, "domainGuid");
        Objects.requireNonNull(domainName, "domainName");
    }

    /** The URI the router serves, as Cloud Foundry lists it in an app's uris. */
    public String uri() {
        return host.isEmpty() ? domainName : host + "." + domainName;
    }
}
