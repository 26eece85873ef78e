package io.strato.broker;

import io.strato.api.app.Channels;
import io.strato.api.app.InternalAuth;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.PreMatching;
import javax.ws.rs.ext.Provider;

/**
 * Only nodes of the cluster may call the broker (a bearer token derived from the cluster secret), and only
 * clients that say which broker API version they speak, as the Open Service Broker API requires.
 */
@Provider
@PreMatching
final class BrokerAuthFilter implements ContainerRequestFilter {

    static final String API_VERSION_HEADER = "X-Broker-API-Version";

    private final String clusterSecret;

    BrokerAuthFilter(String clusterSecret) {
        this.clusterSecret = clusterSecret;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!InternalAuth.verify(clusterSecret, Channels.BROKER_AUTH_PURPOSE,
                request.getHeaderString(InternalAuth.HEADER))) {
            request.abortWith(BrokerResource.error(401, "a cluster node's broker token is required"));
        } else if (request.getHeaderString(API_VERSION_HEADER) == null) {
            request.abortWith(BrokerResource.error(412, "the " + API_VERSION_HEADER + " header is required (2.x)"));
        }
    }
}
