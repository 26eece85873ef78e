/**
 * Network rules a node sets for itself. {@link io.strato.api.net.PortGuard} owns one iptables chain of Strato's
 * in the filter table's OUTPUT and replaces its rules as a whole: service plugins use it so that only the uids
 * of bound apps may open connections to a server that cannot authenticate them; the DEA for per-app egress
 * rules.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.strato.api.net;
