package io.strato.role.controller.tenancy;

/**
 * What an endpoint does, for access control. Each endpoint declares one with {@link Allow}; {@link Access}
 * decides who may do it. Space operations answer 404 to whoever cannot see the space and 403 to whoever sees
 * it but may not do the operation; organization operations likewise with the organization.
 */
public enum Op {
    /** Needs no login (the info document, the token endpoint, node-to-node endpoints with their own credential). */
    PUBLIC,
    /** Any logged-in user; lists under it show only what the user can see. */
    ANY_USER,
    /** Cloud admins only (the {@code cloud_controller.admin} scope). */
    CLOUD_ADMIN,
    /** The user the path names, or an admin; anyone else gets 404. */
    SELF_OR_ADMIN,
    /** See an organization: any role in it or in one of its spaces. */
    ORG_READ,
    /** Manage an organization: its spaces, roles and space quotas (org managers). */
    ORG_MANAGE,
    /** What only a cloud admin may do to an organization it can see (delete it, change its quota). */
    ORG_ADMIN,
    /** See a space and what is in it: apps, state, events, logs, routes, service instances (not secrets). */
    SPACE_READ,
    /** See a space's secrets: app environments and binding credentials (space developers). */
    SPACE_SECRETS,
    /** Create, change and delete apps, routes, service instances and bindings in a space (space developers). */
    SPACE_WRITE,
    /** Manage a space: rename it, give and take its roles (space and org managers). */
    SPACE_MANAGE,
    /** Delete a space (org managers). */
    SPACE_ADMIN
}
