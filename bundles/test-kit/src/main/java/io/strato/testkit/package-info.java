/**
 * Fixtures shared by the unit tests of Strato's modules: a real Derby or PostgreSQL database behind the
 * store's own JDBC layer, a fixed cluster view, and the controller's blob store as stagers and DEAs call it.
 * {@code LocalSharedState} (shared maps and topics in one JVM) comes with it from the api's test jar.
 */
package io.strato.testkit;
