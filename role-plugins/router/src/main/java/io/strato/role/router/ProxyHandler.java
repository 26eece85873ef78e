package io.strato.role.router;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
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
            exchange.releaseWaiting();
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
        if (msg instanceof HttpObject http && http.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            LOG.debug("Malformed request from {}: {}", clientIp, http.decoderResult().cause().getMessage());
            if (exchange == null || !exchange.responseStarted) {
                if (exchange != null) {
                    abandonBackend(exchange);
                    exchange.releaseWaiting();
                    exchange = null;
                }
                respond(RouterErrors.malformedRequest(), false, false);
            } else {
                ctx.close();
            }
            return;
        }
        if (msg instanceof HttpRequest request) {
            begin(request);
        }
        if (msg instanceof HttpContent content) {
            if (exchange == null) {
                content.release(); // the body of a request the router answered itself
            } else {
                forwardBody(content);
            }
        }
    }

    private void begin(HttpRequest request) {
        boolean http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        boolean keepAlive = ProxyHeaders.isKeepAlive(request);
        String host = ProxyHeaders.host(request);
        if (host == null) {
            respond(RouterErrors.emptyHost(), keepAlive, http10);
            return;
        }
        HostBackends backends = routes.lookup(host);
        if (backends == null) {
            respond(RouterErrors.unknownRoute(host), keepAlive, http10);
            return;
        }
        boolean upgrade = ProxyHeaders.isWebSocketUpgrade(request);
        boolean hasBody = ProxyHeaders.isChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
        String requestId = ProxyHeaders.requestId(request);
        ProxyHeaders.prepareRequest(request, clientIp, requestId, upgrade);
        // HTTP/1.1 to the instance whatever the client speaks, so the backend connection stays open.
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        exchange = new Exchange(request, host, requestId, http10, keepAlive, upgrade, hasBody,
                HttpMethod.HEAD.equals(request.method()), StickySession.requestedInstance(request));

        Backend backend = exchange.stickyInstance == null ? null : backends.instance(exchange.stickyInstance);
        connect(backend != null ? backend : backends.next(null), false);
    }

    private void forwardBody(HttpContent content) {
        Exchange ex = exchange;
        if (content instanceof LastHttpContent) {
            ex.requestComplete = true;
        }
        if (ex.backendChannel == null) {
            ex.waiting.add(content);
        } else {
            ex.backendChannel.write(content, ex.backendChannel.voidPromise());
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
        backendChannel.pipeline().get(BackendHandler.class).bind(this);
        backendChannel.config().setAutoRead(ctx.channel().isWritable());
        // A failed write shows as an exception on the backend connection, which closes it: backendClosed()
        backendChannel.write(ex.request, backendChannel.voidPromise());
        for (HttpContent part : ex.waiting) {
            backendChannel.write(part, backendChannel.voidPromise());
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
        if (msg instanceof HttpObject http && http.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            LOG.warn("{} of {} sent a malformed answer to request {}: {}", ex.backend.describe(), ex.host,
                    ex.requestId, http.decoderResult().cause().getMessage());
            failExchange();
            return;
        }
        if (msg instanceof HttpResponse response) {
            startResponse(ex, response);
        }
        if (msg instanceof HttpContent content) {
            if (!(content instanceof LastHttpContent)) {
                ctx.write(content, ctx.voidPromise());
            } else if (ex.switchingProtocols) {
                ctx.write(content, ctx.voidPromise());
                startTunnel(ex);
            } else if (ex.informational) {
                ex.informational = false; // the end of "100 Continue"; the real answer follows
                ctx.write(content, ctx.voidPromise());
            } else {
                // Only a connection that closes after the answer needs to know when it is written.
                ChannelFuture written = ctx.writeAndFlush(content, ex.clientKeepAlive ? ctx.voidPromise() : ctx.newPromise());
                finish(ex, written);
            }
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
            ex.waiting.add(LastHttpContent.EMPTY_LAST_CONTENT);
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
            ctx.close();
        }
    }

    private void startResponse(Exchange ex, HttpResponse response) {
        ex.responseStarted = true;
        int code = response.status().code();
        if (code == HttpResponseStatus.SWITCHING_PROTOCOLS.code() && ex.upgrade) {
            ex.switchingProtocols = true;
            response.headers().set(ProxyHeaders.X_VCAP_REQUEST_ID, ex.requestId);
            ctx.write(response, ctx.voidPromise());
            return;
        }
        if (code < 200) {
            ex.informational = true;
            ctx.write(response, ctx.voidPromise());
            return;
        }
        ex.backendKeepAlive = ProxyHeaders.isKeepAlive(response);
        ProxyHeaders.removeHopByHop(response.headers());
        response.headers().remove(HttpHeaderNames.UPGRADE);
        boolean bodyless = ex.head || code == 204 || code == 304;
        boolean framed = bodyless || HttpUtil.isContentLengthSet(response) || ProxyHeaders.isChunked(response);
        if (ex.clientIsHttp10 && ProxyHeaders.isChunked(response)) {
            // An HTTP/1.0 client cannot read chunks: send the bytes as they come and end with a close.
            HttpUtil.setTransferEncodingChunked(response, false);
            framed = false;
        }
        if (!framed) {
            if (ex.clientIsHttp10) {
                ex.clientKeepAlive = false;
            } else {
                HttpUtil.setTransferEncodingChunked(response, true);
            }
        }
        if (!ex.requestComplete) {
            // The instance answered before reading the whole body: the rest is dropped, and the
            // client connection cannot be trusted to be in step afterwards.
            ex.clientKeepAlive = false;
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        ProxyHeaders.setKeepAlive(response, ex.clientKeepAlive, ex.clientIsHttp10);
        response.headers().set(ProxyHeaders.X_VCAP_REQUEST_ID, ex.requestId);
        boolean moved = ex.stickyInstance != null && !ex.stickyInstance.equals(ex.backend.instanceId());
        StickySession.stick(response, ex.backend.instanceId(), moved);
        ctx.write(response, ctx.voidPromise());
    }

    /** Ends a normal exchange: the backend connection goes back to its pool, the next request may start. */
    private void finish(Exchange ex, ChannelFuture lastWrite) {
        exchange = null;
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

    /** After a 101 answer both connections carry raw bytes: the HTTP codecs leave, relays take over. */
    private void startTunnel(Exchange ex) {
        exchange = null;
        Channel backendChannel = ex.backendChannel;
        ctx.flush();
        ChannelPipeline clientPipeline = ctx.pipeline();
        ChannelPipeline backendPipeline = backendChannel.pipeline();
        HttpServerCodec serverCodec = clientPipeline.get(HttpServerCodec.class);
        HttpClientCodec clientCodec = backendPipeline.get(HttpClientCodec.class);
        serverCodec.removeOutboundHandler();
        clientCodec.removeOutboundHandler();
        // WebSockets are long-lived and may be quiet for long; the app's pings keep them honest.
        clientPipeline.remove(IdleStateHandler.class);
        backendPipeline.remove(IdleStateHandler.class);
        clientPipeline.replace(this, "tunnel", new TunnelHandler(backendChannel));
        backendPipeline.replace(BackendHandler.class, "tunnel", new TunnelHandler(ctx.channel()));
        // Removing the decoders hands any bytes they already hold to the relays.
        serverCodec.removeInboundHandler();
        clientCodec.removeInboundHandler();
        ctx.channel().eventLoop().execute(() -> {
            removeIfPresent(clientPipeline, serverCodec);
            removeIfPresent(backendPipeline, clientCodec);
        });
        ctx.channel().config().setAutoRead(true);
        backendChannel.config().setAutoRead(true);
        pipelined.forEach(ReferenceCountUtil::release);
        pipelined.clear();
    }

    private static void removeIfPresent(ChannelPipeline pipeline, ChannelHandler handler) {
        if (pipeline.context(handler) != null) {
            pipeline.remove(handler);
        }
    }

    // --- failures and flow ---

    /** Answers 502 if nothing was sent yet, otherwise closes: the client cannot get a correct answer now. */
    private void failExchange() {
        Exchange ex = exchange;
        exchange = null;
        abandonBackend(ex);
        ex.releaseWaiting();
        if (ex.responseStarted) {
            ctx.close();
            return;
        }
        respond(RouterErrors.endpointFailure(), ex.clientKeepAlive, ex.clientIsHttp10, ex.requestId);
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

    private void respond(FullHttpResponse response, boolean keepAlive, boolean http10) {
        respond(response, keepAlive, http10, null);
    }

    private void respond(FullHttpResponse response, boolean keepAlive, boolean http10, String requestId) {
        if (requestId != null) {
            response.headers().set(ProxyHeaders.X_VCAP_REQUEST_ID, requestId);
        }
        ProxyHeaders.setKeepAlive(response, keepAlive, http10);
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Handles requests that queued up while the previous one was answered. */
    private void drainPipelined() {
        while (!pipelined.isEmpty() && (exchange == null || !exchange.requestComplete)) {
            handle(pipelined.poll());
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
        ctx.channel().config().setAutoRead(read);
    }
}
