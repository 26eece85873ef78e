/**
 * Roles: a bundle becomes a role by registering a {@link io.strato.api.role.Role} service (Declarative
 * Services). Core tracks them, so installing a role's feature makes the node a node of that role.
 * {@link io.strato.api.role.RoleService} is how shells and REST add and remove roles.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.strato.api.role;
