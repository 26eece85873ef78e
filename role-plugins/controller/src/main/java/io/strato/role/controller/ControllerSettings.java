package io.strato.role.controller;

import io.strato.api.sandbox.UidRange;
import io.strato.role.controller.blob.UploadLimits;
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
 * @param dopplerPort the port of the Doppler log endpoint (recent logs, log streams); 0 takes a free one
 */
public record ControllerSettings(UploadLimits uploadLimits, Duration tokenTtl, Path blobDir, String externalUrl,
                                 int httpPort, String version, int maxInstances, UidRange appUids, int dopplerPort) {
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
        if (dopplerPort < 0 || dopplerPort > 65535) {
            throw new IllegalArgumentException("dopplerPort must be a port number (0 takes a free one)");
        }
        externalUrl = externalUrl.endsWith("/") ? externalUrl.substring(0, externalUrl.length() - 1) : externalUrl;
    }

    /** Settings with the Doppler log endpoint on a free port. */
    public ControllerSettings(UploadLimits uploadLimits, Duration tokenTtl, Path blobDir, String externalUrl,
                              int httpPort, String version, int maxInstances, UidRange appUids) {
        this(uploadLimits, tokenTtl, blobDir, externalUrl, httpPort, version, maxInstances, appUids, 0);
    }

    /**
     * Where Cloud Foundry clients find Doppler (the root document's {@code logging}, /v2/info's
     * {@code doppler_logging_endpoint}): the host clients reach this controller at, on the port its Doppler
     * endpoint listens on ({@code port}, which may have been chosen when it started).
     */
    public String loggingUrl(int port) {
        java.net.URI uri = java.net.URI.create(externalUrl);
        String host = uri.getHost() == null ? "localhost" : uri.getHost();
        return "ws://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
