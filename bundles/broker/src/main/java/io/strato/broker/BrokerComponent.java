package io.strato.broker;

import io.strato.api.cluster.ClusterSecret;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.SharedState;
import io.strato.api.service.ServicePlugin;
import io.strato.api.store.Database;
import io.strato.api.store.StoreException;
import org.apache.cxf.BusFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The node's service broker: every {@link ServicePlugin} installed on the node, offered to the cluster at
 * {@code http://<node>:<http port>/broker/v2/...} on the CXF servlet. Plugins come and go with their features.
 */
@Component(service = {}, immediate = true)
public class BrokerComponent {

    static final String ADDRESS = "/broker";
    private static final String HTTP_SERVICE = "org.osgi.service.http.HttpService";
    private static final String HTTP_PORT = "org.osgi.service.http.port";
    private static final int DEFAULT_HTTP_PORT = 8181;

    private final ServiceBroker broker;
    private final BrokerServer server;

    @Activate
    public BrokerComponent(@Reference(target = "(" + Database.SCOPE + "=" + Database.NODE + ")") Database database, @Reference SharedState shared,
                           @Reference ClusterView cluster, @Reference ClusterSecret secret,
                           BundleContext context) throws StoreException {
        String url = "http://" + cluster.localNode().address() + ":" + httpPort(context) + ADDRESS;
        broker = new ServiceBroker(database, shared, cluster.localNode().id(), url);
        // the bus CXF's OSGi integration publishes on its servlet; a @Reference to Bus would never resolve
        server = new BrokerServer(broker, secret.value(), BusFactory.getDefaultBus(), ADDRESS);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addPlugin(ServicePlugin plugin) {
        broker.addPlugin(plugin);
    }

    void removePlugin(ServicePlugin plugin) {
        broker.removePlugin(plugin);
    }

    @Deactivate
    void deactivate() {
        server.close();
    }

    /** The port of this node's HTTP service, as Pax Web publishes it; the system property is a fallback. */
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
}
