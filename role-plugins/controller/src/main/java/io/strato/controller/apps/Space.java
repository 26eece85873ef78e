package io.strato.controller.apps;

/** An organization or a space: both are a name with a guid here ({@code parentGuid} is a space's org). */
public record Space(String guid, String name, String parentGuid, long createdAt) {
}
