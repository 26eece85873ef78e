/**
 * The public contract of Strato. Roles, data-service plugins and third-party bundles compile against
 * these packages only; core implements them on top of Karaf Cellar, the store on top of JDBC.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.strato.api;
