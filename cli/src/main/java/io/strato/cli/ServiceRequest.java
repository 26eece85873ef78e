package io.strato.cli;

/**
 * A service an app's manifest asks for.
 *
 * @param name  the service instance name
 * @param label the marketplace service to create it from, or null to bind an existing instance
 */
public record ServiceRequest(String name, String label) {
}
