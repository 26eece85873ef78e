package io.strato.role.router;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a backend connection: passes the response to the client connection it currently serves,
 * and keeps the connection in its pool between exchanges.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(BackendHandler.class);

    private final BackendPool pool;
    private final HttpMessageDecoder decoder;
    private ChannelHandlerContext ctx;
    /** The client connection this backend connection answers; null while it waits in the pool. */
    private ProxyHandler client;

    BackendHandler(BackendPool pool, HttpMessageDecoder decoder) {
        this.pool = pool;
        this.decoder = decoder;
    }

    /** Serves {@code client} for one exchange, whose request asked HEAD or an upgrade or neither. */
    void bind(ProxyHandler client, boolean head, boolean upgrade) {
        this.client = client;
        decoder.expectResponse(head, upgrade);
    }

    /** Back to the pool after a complete exchange. */
    void release() {
        client = null;
        ctx.channel().config().setAutoRead(true);
        pool.release(ctx.channel());
    }

    /** Closes the connection without telling the client side, which already knows. */
    void abandon() {
        client = null;
        ctx.close();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (client != null) {
            client.backendRead(msg);
        } else {
            // An idle connection must not speak; whatever this is, the connection cannot be trusted.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (client != null) {
            client.backendReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (client != null) {
            client.updateReading();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ProxyHandler c = client;
        client = null;
        if (c != null) {
            c.backendClosed();
        } else {
            pool.forget(ctx.channel());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // The client side times out exchanges in flight; here only an idle pooled connection is closed.
        if (evt instanceof IdleStateEvent && client == null) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Backend connection {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
