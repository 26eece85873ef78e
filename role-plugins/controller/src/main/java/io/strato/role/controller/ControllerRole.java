package io.strato.role.controller;

import io.strato.api.cluster.ClusterSecret;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.SharedState;
import io.strato.api.role.Role;
import io.strato.api.role.RoleNames;
import io.strato.api.store.Database;
import io.strato.api.store.StoreException;
import io.strato.api.sandbox.UidRange;
import io.strato.role.controller.blob.UploadLimits;
import io.strato.role.controller.users.UserAccounts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.apache.cxf.BusFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller role: serves the API on the CXF servlet ({@code org.apache.cxf.osgi.cfg} puts it at "/", so
 * {@code /v2/...} and {@code /oauth/token} answer on the node's HTTP port).
 */
@Component(service = Role.class, immediate = true, configurationPid = "io.strato.controller")
@Designate(ocd = ControllerConfig.class)
public class ControllerRole implements Role {

    static final int DEFAULT_HTTP_PORT = 8181;
    private static final String HTTP_SERVICE = "org.osgi.service.http.HttpService";
    private static final String HTTP_PORT = "org.osgi.service.http.port";
    /** The highest uid an app may get: 65534 is nobody, and service brokers take uids up to 65535 only. */
    static final int HIGHEST_APP_UID = 65533;
    private static final long MB = 1024L * 1024L;
    private static final Logger LOG = LoggerFactory.getLogger(ControllerRole.class);

    private final CloudController controller;

    @Activate
    public ControllerRole(@Reference(target = "(" + Database.SCOPE + "=" + Database.CLUSTER + ")") Database database, @Reference SharedState shared, @Reference ClusterView cluster,
                          @Reference ClusterSecret secret, @Reference UserAccounts users, ControllerConfig config,
                          BundleContext context) throws StoreException {
        controller = new CloudController(database, shared, cluster, secret, users,
                settings(config, cluster, context.getBundle().getVersion().toString(), httpPort(context)));
        // the bus CXF's OSGi integration publishes on its servlet; a @Reference to Bus would never resolve
        try {
            controller.start(BusFactory.getDefaultBus(), "/");
        } catch (RuntimeException e) {
            controller.close(); // a port that is taken: leave nothing running behind
            throw e;
        }
    }

    static ControllerSettings settings(ControllerConfig config, ClusterView cluster, String version, int httpPort) {
        long maxBytes = config.uploadMaxMb() * MB;
        long maxUncompressed = config.uploadMaxUncompressedMb() > 0 ? config.uploadMaxUncompressedMb() * MB : 10 * maxBytes;
        Path blobDir = config.blobDir().isBlank()
                ? Path.of(System.getProperty("karaf.data", "data"), "strato", "blobs")
                : Path.of(config.blobDir());
        String externalUrl = config.externalUrl().isBlank()
                ? CloudController.defaultExternalUrl(cluster, httpPort) : config.externalUrl().trim();
        return new ControllerSettings(new UploadLimits(maxBytes, config.uploadMaxEntries(), maxUncompressed),
                Duration.ofMinutes(config.tokenTtlMinutes()), blobDir, externalUrl, httpPort, version,
                config.maxInstances(), appUids(config), config.dopplerPort());
    }

    /** The configured app uid range; a bad one stops the controller from starting, with the reason. */
    static UidRange appUids(ControllerConfig config) {
        String problem;
        try {
            UidRange range = UidRange.parse(config.appUidRange());
            if (range.to() <= HIGHEST_APP_UID) {
                return range;
            }
            problem = "it goes above " + HIGHEST_APP_UID + " (65534 is nobody; service brokers take uids up to 65535)";
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        String message = "controller not started: appUidRange '" + config.appUidRange() + "' is refused: " + problem
                + "; fix it in etc/io.strato.controller.cfg";
        LOG.error(message);
        throw new IllegalArgumentException(message);
    }

    /**
     * The port of this node's HTTP service. Pax Web takes it from its own configuration and publishes it on
     * the HttpService; the system property is only a fallback.
     */
    static int httpPort(BundleContext context) {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(HTTP_SERVICE, null);
            for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
                Object port = ref.getProperty(HTTP_PORT);
                if (port != null) {
                    return Integer.parseInt(port.toString().trim());
                }
            }
        } catch (InvalidSyntaxException | NumberFormatException e) {
            // fall back below
        }
        return Integer.getInteger(HTTP_PORT, DEFAULT_HTTP_PORT);
    }

    @Deactivate
    void deactivate() {
        controller.close();
    }

    @Override
    public String name() {
        return "controller";
    }

    @Override
    public String description() {
        return "Cloud Controller: REST API, users, apps and routes, blob store, staging and instance placement";
    }

    @Override
    public Set<String> requires() {
        return Set.of(RoleNames.BASE);
    }
}
