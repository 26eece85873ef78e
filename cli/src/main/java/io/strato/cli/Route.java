package io.strato.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** A host under a domain, mapped to zero or more apps. */
public record Route(String guid, String host, String domainGuid) {

    public static Route from(JsonNode resource) {
        JsonNode e = resource.path("entity");
        return new Route(resource.path("metadata").path("guid").asText(),
                e.path("host").asText(""),
                e.path("domain_guid").asText());
    }

    /** {@code host.domain}, or the bare domain name when the host is empty. */
    public String url(List<Domain> domains) {
        String domain = domains.stream().filter(d -> d.guid().equals(domainGuid)).map(Domain::name)
                .findFirst().orElse(domainGuid);
        return host.isEmpty() ? domain : host + "." + domain;
    }
}
