/**
 * Plumbing for service plugins that run their own server as a child process, as Stackato's service
 * nodes do: {@link io.strato.api.service.process.SupervisedProcess} starts a server, waits until it
 * listens, restarts it with back-off when it dies and stops it with its whole process tree;
 * {@link io.strato.api.service.process.PortAllocator} hands out ports from a configured range.
 * {@link io.strato.api.service.process.InstanceServers} builds on both for plugins that give every
 * service instance a server of its own, so such a plugin writes only the server's command line.
 * {@link io.strato.api.service.process.ServerUser} runs a server as its own system user on a root node
 * ({@code strato-<label>}) and gives it only its own directories;
 * {@link io.strato.api.service.process.PortOwner} tells whether the server on a port is the one the plugin started,
 * before it gets an admin password; {@code InstanceServers.guardPorts} lets only bound apps' uids reach a server
 * without authentication;
 * {@link io.strato.api.service.process.AdminLogin} and {@link io.strato.api.service.process.ServerFiles} keep its
 * admin account and handle its files.
 * Servers run outside the Karaf JVM, so their memory and crashes stay theirs.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.strato.api.service.process;
