/**
 * The messages the app roles (controller, stager, dea, router, health manager) exchange through
 * {@link io.strato.api.cluster.SharedState}. {@link io.strato.api.app.Channels} names every map and topic;
 * the records are their values, encoded with {@link io.strato.api.json.Json}.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.strato.api.app;
