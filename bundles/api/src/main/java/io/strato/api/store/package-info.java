/**
 * Persistence: {@link io.strato.api.store.Database} is a JDBC database (embedded Derby under
 * {@code data/} by default, any JDBC URL by configuration) with versioned schema migrations, registered once per scope (this node, the cluster).
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package io.strato.api.store;
