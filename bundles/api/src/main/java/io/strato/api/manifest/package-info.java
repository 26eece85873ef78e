/**
 * The app manifest a developer pushes with the code: Stackato's {@code stackato.yml} or Cloud Foundry's
 * {@code manifest.yml}, read into one {@link io.strato.api.manifest.AppManifest} by
 * {@link io.strato.api.manifest.ManifestParser}. The client, the controller and the stager read it the
 * same way.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package io.strato.api.manifest;
