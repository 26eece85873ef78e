/** Helpers for the child processes roles run: app instances, staging commands, data servers. */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.strato.api.process;
