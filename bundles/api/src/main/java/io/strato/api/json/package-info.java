/** The one JSON convention for everything that travels between nodes: {@link io.strato.api.json.Json}. */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.strato.api.json;
