package io.strato.role.controller.tenancy;

/** An organization (Stackato's group): it holds spaces, and its quota definition limits what they use together. */
public record Organization(String guid, String name, String quotaGuid, long createdAt) {
}
