package io.strato.controller;

import io.strato.api.sandbox.UidRange;
import io.strato.controller.blob.UploadLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The controller's settings, resolved from {@link ControllerConfig} and the node.
 *
 * @param externalUrl base URL clients and other nodes reach this controller at, without a trailing slash
 * @param httpPort    the port this node's HTTP service listens on (for the {@code api.<domain>} route)
 * @param version     the controller's version, shown by /v2/info
 * @param maxInstances the most instances one app may ask for
 * @param appUids     the uids apps get, one each
 */
public record ControllerSettings(UploadLimits uploadLimits, Duration tokenTtl, Path blobDir, String externalUrl,
                                 int httpPort, String version, int maxInstances, UidRange appUids) {
    public static final int DEFAULT_MAX_INSTANCES = 100;

    public ControllerSettings {
        if (maxInstances < 1) {
            throw new IllegalArgumentException("maxInstances must be at least 1");
        }
        Objects.requireNonNull(uploadLimits, "uploadLimits");
        Objects.requireNonNull(tokenTtl, "tokenTtl");
        Objects.requireNonNull(blobDir, "blobDir");
        Objects.requireNonNull(externalUrl, "externalUrl");
        Objects.requireNonNull(appUids, "appUids");
        externalUrl = externalUrl.endsWith("/") ? externalUrl.substring(0, externalUrl.length() - 1) : externalUrl;
    }

    /**
     * Where Cloud Foundry clients find Doppler (the root document's {@code logging}, /v2/info's
     * {@code doppler_logging_endpoint}): this controller, which serves Doppler's recent logs.
     */
    public String loggingUrl() {
        return externalUrl.replaceFirst("^http", "ws");
    }
}
