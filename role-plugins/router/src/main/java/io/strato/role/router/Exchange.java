package io.strato.role.router;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayList;
import java.util.List;

/** One request on its way through the router and the state of its answer. */
final class Exchange {

    /** The request's head as the instance gets it; sent again when another instance is tried. */
    final ByteBuf requestHead;
    final String host;
    final String requestId;
    final boolean clientIsHttp10;
    final boolean upgrade;
    /** Whether the request carries a body; one without can be sent again safely. */
    final boolean hasBody;
    /** Whether the body goes to the instance in chunks (as the client sent it), rather than by its length. */
    final boolean chunkedBody;
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
    final List<Object> waiting = new ArrayList<>(2);
    boolean requestComplete;
    boolean responseStarted;
    /** Whether the answer goes to the client in chunks the router writes. */
    boolean chunksToClient;
    boolean backendKeepAlive;

    Exchange(ByteBuf requestHead, String host, String requestId, boolean clientIsHttp10, boolean clientKeepAlive,
             boolean upgrade, boolean hasBody, boolean chunkedBody, boolean head, String stickyInstance) {
        this.requestHead = requestHead;
        this.host = host;
        this.requestId = requestId;
        this.clientIsHttp10 = clientIsHttp10;
        this.clientKeepAlive = clientKeepAlive;
        this.upgrade = upgrade;
        this.hasBody = hasBody;
        this.chunkedBody = chunkedBody;
        this.head = head;
        this.stickyInstance = stickyInstance;
    }

    void markFailed(Backend b) {
        if (failed == null) {
            failed = new ArrayList<>(2);
        }
        failed.add(b);
    }

    /** Lets go of the buffers the exchange holds; call once, when it ends. */
    void release() {
        requestHead.release();
        waiting.forEach(ReferenceCountUtil::release);
        waiting.clear();
    }
}
