package io.strato.role.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * The client side of one connection: picks an instance for each request, relays the request to it
 * and the answer back, one exchange at a time. Everything runs on the connection's event loop; the
 * backend connection is served by the same loop, so no state here is shared between threads.
 */
final class ProxyHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);

    /** Instances tried for one request when connections are refused, as gorouter does. */
    static final int MAX_TRIES = 3;

    private final RouteTable routes;
    private final BackendConnector connector;
    private final int idleTimeoutSeconds;
    private ChannelHandlerContext ctx;
    private String clientIp;
    /** The request being proxied; null between requests. */
    private Exchange exchange;
    /**
     * Messages of answers relayed to the client so far. The client connection times out on reads only
     * (so that writing an answer needs no promise per write); when it does, an answer that moved since
     * the last time out means the connection is busy, not idle.
     */
    private long relayed;
    private long relayedAtLastTimeout;
    /** Requests the client sent before the previous answer ended (pipelining); handled in order. */
    private final ArrayDeque<Object> pipelined = new ArrayDeque<>();

    ProxyHandler(RouteTable routes, BackendConnector connector, int idleTimeoutSeconds) {
        this.routes = routes;
        this.connector = connector;
        this.idleTimeoutSeconds = idleTimeoutSeconds;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
            clientIp = remote.getAddress().getHostAddress();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if ((exchange != null && exchange.requestComplete) || !pipelined.isEmpty()) {
            pipelined.add(msg);
            updateReading();
            return;
        }
        handle(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null && exchange.backendChannel != null) {
            exchange.backendChannel.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // A slow client slows the instance down rather than filling the router's memory.
        if (exchange != null && exchange.backendChannel != null) {
            exchange.backendChannel.config().setAutoRead(ctx.channel().isWritable());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof IdleStateEvent)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (relayed != relayedAtLastTimeout) {
            relayedAtLastTimeout = relayed; // an answer went out meanwhile: the connection is not idle
            return;
        }
        if (exchange == null) {
            ctx.close(); // an idle keep-alive connection
        } else if (!exchange.requestComplete) {
            LOG.debug("Client {} stopped sending request {} for {} s; closing", clientIp, exchange.requestId, idleTimeoutSeconds);
            ctx.close();
        } else if (!exchange.responseStarted) {
            LOG.warn("{} of {} sent no answer within {} s (request {}); answering 502",
                    exchange.backend.describe(), exchange.host, idleTimeoutSeconds, exchange.requestId);
            exchange.clientKeepAlive = false;
            failExchange();
        } else {
            LOG.debug("The answer to request {} did not move for {} s; closing the connection from {}",
                    exchange.requestId, idleTimeoutSeconds, clientIp);
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            abandonBackend(exchange);
            exchange.release();
            exchange = null;
        }
        pipelined.forEach(ReferenceCountUtil::release);
        pipelined.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("Client connection from {} failed", clientIp, cause);
        } else {
            LOG.warn("Closing the connection from {} after an unexpected error", clientIp, cause);
        }
        ctx.close();
    }

    // --- the request ---

    private void handle(Object msg) {
        if (msg instanceof HttpMessageDecoder.Malformed malformed) {
            LOG.debug("Refused a request from {}: {}", clientIp, malformed.reason());
            if (exchange == null || !exchange.responseStarted) {
                if (exchange != null) {
                    abandonBackend(exchange);
                    exchange.release();
                    exchange = null;
                }
                respond(malformed.timedOut() ? RouterError.headTimeout() : RouterError.malformedRequest(),
                        false, false, null);
            } else {
                ctx.close();
            }
        } else if (msg instanceof HttpHead head) {
            begin(head);
        } else if (exchange == null) {
            // the body of a request the router answered itself, or bytes after a refused upgrade
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof HttpMessageDecoder.End end) {
            forwardEnd(end);
        } else {
            forwardBody((ByteBuf) msg);
        }
    }

    private void begin(HttpHead request) {
        boolean http10 = request.http10;
        boolean upgrade = request.webSocketUpgrade();
        // After an upgrade the connection carries the app's protocol, or, refused, closes.
        boolean keepAlive = request.keepAlive() && !upgrade;
        String host = ProxyHeaders.host(request);
        if (host == null) {
            respond(RouterError.emptyHost(), keepAlive, http10, null);
            return;
        }
        HostBackends backends = routes.lookup(host);
        if (backends == null) {
            respond(RouterError.unknownRoute(host), keepAlive, http10, null);
            return;
        }
        String requestId = ProxyHeaders.requestId(request);
        ByteBuf head = ProxyHeaders.request(request, clientIp, requestId, upgrade, ctx.alloc());
        exchange = new Exchange(head, host, requestId, http10, keepAlive, upgrade,
                request.chunked() || request.contentLength() > 0, request.chunked(), request.isHead(),
                StickySession.requestedInstance(request));

        Backend backend = exchange.stickyInstance == null ? null : backends.instance(exchange.stickyInstance);
        connect(backend != null ? backend : backends.next(null), false);
    }

    private void forwardBody(ByteBuf part) {
        Exchange ex = exchange;
        if (ex.backendChannel == null) {
            ex.waiting.add(part);
        } else {
            writeBody(ex, part);
        }
    }

    private void forwardEnd(HttpMessageDecoder.End end) {
        Exchange ex = exchange;
        ex.requestComplete = true;
        if (ex.backendChannel == null) {
            ex.waiting.add(end);
        } else {
            writeEnd(ex, end);
        }
    }

    private static void writeBody(Exchange ex, ByteBuf part) {
        Channel backend = ex.backendChannel;
        if (ex.chunkedBody) {
            Chunks.part(backend, backend.alloc(), part);
        } else {
            backend.write(part, backend.voidPromise());
        }
    }

    private static void writeEnd(Exchange ex, HttpMessageDecoder.End end) {
        if (ex.chunkedBody) {
            ex.backendChannel.write(Chunks.last(end.trailers()), ex.backendChannel.voidPromise());
        }
    }

    private void connect(Backend backend, boolean fresh) {
        Exchange ex = exchange;
        ex.backend = backend;
        ex.attempts++;
        Channel pooled = fresh ? null : connector.pooled(backend, ctx.channel().eventLoop());
        if (pooled != null) {
            attach(pooled, true);
            return;
        }
        updateReading();
        connector.connect(backend, ctx.channel().eventLoop()).addListener((ChannelFuture f) -> {
            if (exchange != ex) {
                f.channel().close(); // the client left, or the exchange ended, while connecting
            } else if (f.isSuccess()) {
                attach(f.channel(), false);
            } else {
                connectFailed(backend, f.cause());
            }
        });
    }

    private void attach(Channel backendChannel, boolean reused) {
        Exchange ex = exchange;
        ex.backendChannel = backendChannel;
        ex.reused = reused;
        backendChannel.pipeline().get(BackendHandler.class).bind(this, ex.head, ex.upgrade);
        backendChannel.config().setAutoRead(ctx.channel().isWritable());
        // A failed write shows as an exception on the backend connection, which closes it: backendClosed()
        backendChannel.write(ex.requestHead.retainedDuplicate(), backendChannel.voidPromise());
        for (int i = 0; i < ex.waiting.size(); i++) {
            Object part = ex.waiting.get(i);
            if (part instanceof HttpMessageDecoder.End end) {
                writeEnd(ex, end);
            } else {
                writeBody(ex, (ByteBuf) part);
            }
        }
        ex.waiting.clear();
        backendChannel.flush();
        updateReading();
    }

    private void connectFailed(Backend backend, Throwable cause) {
        Exchange ex = exchange;
        ex.markFailed(backend);
        String reason = cause instanceof ConnectException ? "connection refused or timed out" : String.valueOf(cause.getMessage());
        HostBackends current = routes.lookup(ex.host);
        Backend next = ex.attempts < MAX_TRIES && current != null ? current.next(ex.failed) : null;
        if (next != null) {
            LOG.warn("Could not reach {} of {} ({}); trying {}", backend.describe(), ex.host, reason, next.describe());
            connect(next, false);
        } else {
            LOG.warn("Could not reach {} of {} ({}) after {} attempt(s); answering 502 to request {}",
                    backend.describe(), ex.host, reason, ex.attempts, ex.requestId);
            failExchange();
        }
    }

    // --- the answer ---

    void backendRead(Object msg) {
        Exchange ex = exchange;
        relayed++;
        if (msg instanceof HttpMessageDecoder.Malformed malformed) {
            LOG.warn("{} of {} sent a malformed answer to request {}: {}", ex.backend.describe(), ex.host,
                    ex.requestId, malformed.reason());
            failExchange();
        } else if (msg instanceof HttpHead response) {
            startResponse(ex, response);
        } else if (msg instanceof HttpMessageDecoder.End end) {
            endResponse(ex, end);
        } else if (ex.chunksToClient) {
            Chunks.part(ctx, ctx.alloc(), (ByteBuf) msg);
        } else {
            ctx.write(msg, ctx.voidPromise());
        }
    }

    void backendReadComplete() {
        ctx.flush();
    }

    void backendClosed() {
        Exchange ex = exchange;
        ex.backendChannel = null;
        if (!ex.responseStarted && ex.reused && !ex.hasBody && ex.requestComplete && !ex.staleRetried) {
            // The instance closed an idle pooled connection just as it was reused: the request never
            // reached it, so sending it again on a new connection is safe.
            ex.staleRetried = true;
            ex.attempts--;
            connector.closeIdle(ex.backend, ctx.channel().eventLoop());
            connect(ex.backend, true);
        } else if (!ex.responseStarted) {
            LOG.warn("{} of {} closed the connection without answering request {}; answering 502",
                    ex.backend.describe(), ex.host, ex.requestId);
            failExchange();
        } else {
            LOG.warn("{} of {} closed the connection in the middle of its answer to request {}",
                    ex.backend.describe(), ex.host, ex.requestId);
            exchange = null;
            ex.release();
            ctx.close();
        }
    }

    private void startResponse(Exchange ex, HttpHead response) {
        int code = response.status();
        if (code == 101) { // the decoder lets it through only as the answer to an upgrade request
            ex.responseStarted = true;
            ctx.write(ProxyHeaders.interim(response, ex.requestId, ctx.alloc()), ctx.voidPromise());
            startTunnel(ex);
            return;
        }
        if (code < 200) {
            if (!ex.clientIsHttp10) { // 100 Continue and the like mean nothing to an HTTP/1.0 client
                ctx.write(ProxyHeaders.interim(response, ex.requestId, ctx.alloc()), ctx.voidPromise());
            }
            return;
        }
        ex.responseStarted = true;
        boolean bodyless = ex.head || code == 204 || code == 304;
        boolean framed = bodyless || response.contentLength() >= 0 || response.chunked();
        ex.backendKeepAlive = response.keepAlive() && framed;
        ProxyHeaders.Body body;
        if (bodyless || response.contentLength() >= 0) {
            body = ProxyHeaders.Body.AS_IS;
        } else if (ex.clientIsHttp10) {
            // An HTTP/1.0 client cannot read chunks: send the bytes as they come and end with a close.
            body = ProxyHeaders.Body.UNTIL_CLOSE;
            ex.clientKeepAlive = false;
        } else {
            body = response.chunked() ? ProxyHeaders.Body.AS_IS : ProxyHeaders.Body.CHUNKED;
        }
        ex.chunksToClient = !bodyless && (body == ProxyHeaders.Body.CHUNKED || body == ProxyHeaders.Body.AS_IS && response.chunked());
        if (!ex.requestComplete) {
            // The instance answered before reading the whole body: the rest is dropped, and the
            // client connection cannot be trusted to be in step afterwards.
            ex.clientKeepAlive = false;
        }
        boolean moved = ex.stickyInstance != null && !ex.stickyInstance.equals(ex.backend.instanceId());
        String vcapId = StickySession.cookieFor(response, ex.backend.instanceId(), moved);
        ctx.write(ProxyHeaders.response(response, body, ex.clientKeepAlive, ex.clientIsHttp10, ex.requestId, vcapId,
                ctx.alloc()), ctx.voidPromise());
    }

    private void endResponse(Exchange ex, HttpMessageDecoder.End end) {
        ByteBuf last = ex.chunksToClient ? Chunks.last(end.trailers()) : Unpooled.EMPTY_BUFFER;
        // Only a connection that closes after the answer needs to know when it is written.
        ChannelFuture written = ctx.writeAndFlush(last, ex.clientKeepAlive ? ctx.voidPromise() : ctx.newPromise());
        if (end.moreBytesFollow()) {
            ex.backendKeepAlive = false; // the instance sent more than its answer: it is out of step
        }
        finish(ex, written);
    }

    /** Ends a normal exchange: the backend connection goes back to its pool, the next request may start. */
    private void finish(Exchange ex, ChannelFuture lastWrite) {
        exchange = null;
        ex.release();
        Channel backendChannel = ex.backendChannel;
        BackendHandler backend = backendChannel.pipeline().get(BackendHandler.class);
        if (ex.backendKeepAlive && ex.requestComplete && backendChannel.isActive()) {
            backend.release();
        } else {
            backend.abandon();
        }
        if (!ex.clientKeepAlive) {
            lastWrite.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        drainPipelined();
    }

    /**
     * After a 101 answer both connections carry raw bytes: the decoders pass them as they come, relays
     * take over from the proxy, and what the client sent after its upgrade request goes first.
     */
    private void startTunnel(Exchange ex) {
        exchange = null;
        ex.release();
        Channel backendChannel = ex.backendChannel;
        ctx.flush();
        ChannelPipeline clientPipeline = ctx.pipeline();
        ChannelPipeline backendPipeline = backendChannel.pipeline();
        // WebSockets are long-lived and may be quiet for long; the app's pings keep them honest.
        clientPipeline.remove(IdleStateHandler.class);
        backendPipeline.remove(IdleStateHandler.class);
        clientPipeline.replace(this, "tunnel", new TunnelHandler(backendChannel));
        backendPipeline.replace(BackendHandler.class, "tunnel", new TunnelHandler(ctx.channel()));
        for (Object early : pipelined) {
            backendChannel.write(early, backendChannel.voidPromise());
        }
        pipelined.clear();
        backendChannel.flush();
        ctx.channel().config().setAutoRead(true);
        backendChannel.config().setAutoRead(true);
    }

    // --- failures and flow ---

    /** Answers 502 if nothing was sent yet, otherwise closes: the client cannot get a correct answer now. */
    private void failExchange() {
        Exchange ex = exchange;
        exchange = null;
        abandonBackend(ex);
        ex.release();
        if (ex.responseStarted) {
            ctx.close();
            return;
        }
        respond(RouterError.endpointFailure(), ex.clientKeepAlive, ex.clientIsHttp10, ex.requestId);
        if (ex.clientKeepAlive) {
            drainPipelined();
        }
    }

    private void abandonBackend(Exchange ex) {
        if (ex.backendChannel != null) {
            ex.backendChannel.pipeline().get(BackendHandler.class).abandon();
            ex.backendChannel = null;
        }
    }

    private void respond(RouterError error, boolean keepAlive, boolean http10, String requestId) {
        ByteBuf answer = error.encode(ctx.alloc(), keepAlive, http10, requestId);
        if (keepAlive) {
            ctx.writeAndFlush(answer, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Handles requests that queued up while the previous one was answered. */
    private void drainPipelined() {
        while (!pipelined.isEmpty() && (exchange == null || !exchange.requestComplete)) {
            handle(pipelined.poll());
        }
        if (exchange != null && exchange.backendChannel != null) {
            exchange.backendChannel.flush(); // the queued body parts just written; no read of the client will flush them
        }
        updateReading();
    }

    /**
     * Reads from the client only when the bytes have somewhere to go: not while a backend connection
     * is being opened or is full, nor while pipelined requests wait.
     */
    void updateReading() {
        boolean read;
        if (!pipelined.isEmpty()) {
            read = false;
        } else if (exchange == null || exchange.requestComplete) {
            read = true;
        } else {
            read = exchange.backendChannel != null && exchange.backendChannel.isWritable();
        }
        ChannelConfig config = ctx.channel().config();
        if (read && !config.isAutoRead()) {
            ctx.pipeline().get(HttpMessageDecoder.class).restartHeadClock();
        }
        config.setAutoRead(read);
    }
}
