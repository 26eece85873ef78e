/**
 * Persistence: {@link io.strato.api.store.Database} is the node's JDBC database (embedded Derby under
 * {@code data/} by default, any JDBC URL by configuration) with versioned schema migrations.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.strato.api.store;
