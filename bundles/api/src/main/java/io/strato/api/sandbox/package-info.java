/**
 * Running tenant code (app instances, staging) on a node: one uid per app, a node-side launch that never
 * sees the app's environment, namespaces, cgroups and process-tree cleanup. Shared by the DEA and the
 * stager so that both run uploaded code the same way.
 */
package io.strato.api.sandbox;
