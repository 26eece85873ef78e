package io.strato.role.router;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;

import java.util.ArrayList;
import java.util.List;

/** One request on its way through the router and the state of its answer. */
final class Exchange {

    final HttpRequest request;
    final String host;
    final String requestId;
    final boolean clientIsHttp10;
    final boolean upgrade;
    /** Whether the request carries a body; one without can be sent again safely. */
    final boolean hasBody;
    final boolean head;
    /** The instance named by the client's {@code __VCAP_ID__}, if any. */
    final String stickyInstance;

    boolean clientKeepAlive;
    Backend backend;
    Channel backendChannel;
    /** Whether the backend connection came from the pool, so may have been closed by the instance meanwhile. */
    boolean reused;
    boolean staleRetried;
    int attempts;
    List<Backend> failed;
    /** Parts of the request that arrived before a backend connection was ready. */
    final List<HttpContent> waiting = new ArrayList<>(2);
    boolean requestComplete;
    boolean responseStarted;
    boolean backendKeepAlive;
    /** A 1xx answer (100 Continue) went out; the real one follows. */
    boolean informational;
    boolean switchingProtocols;

    Exchange(HttpRequest request, String host, String requestId, boolean clientIsHttp10, boolean clientKeepAlive,
             boolean upgrade, boolean hasBody, boolean head, String stickyInstance) {
        this.request = request;
        this.host = host;
        this.requestId = requestId;
        this.clientIsHttp10 = clientIsHttp10;
        this.clientKeepAlive = clientKeepAlive;
        this.upgrade = upgrade;
        this.hasBody = hasBody;
        this.head = head;
        this.stickyInstance = stickyInstance;
    }

    void markFailed(Backend b) {
        if (failed == null) {
            failed = new ArrayList<>(2);
        }
        failed.add(b);
    }

    void releaseWaiting() {
        waiting.forEach(HttpContent::release);
        waiting.clear();
    }
}
