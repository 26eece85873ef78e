package io.strato.role.controller.tenancy;

/** A space of an organization: apps, routes and service instances live in one. {@code spaceQuotaGuid} may be null. */
public record Space(String guid, String name, String orgGuid, String spaceQuotaGuid, long createdAt) {
}
