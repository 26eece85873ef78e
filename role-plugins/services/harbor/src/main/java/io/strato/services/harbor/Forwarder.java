package io.strato.services.harbor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on one public TCP port and relays every accepted connection to one of the app's live instances,
 * taking them in turn. Blocking sockets with a thread per direction: harbor carries few, long-lived
 * connections (databases, game servers, SSH-like protocols), for which this is the simplest thing that works.
 */
final class Forwarder implements AutoCloseable {

    /** A live instance of the bound app. */
    record Backend(String address, int port) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final int CONNECT_TIMEOUT_MS = 5000;
    private static final int BUFFER = 16 * 1024;

    private final String name;
    private final Supplier<List<Backend>> backends;
    private final ServerSocket server;
    private final ExecutorService threads;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean closed;

    /**
     * Binds the port at once, so a port that is taken fails here rather than later.
     *
     * @param backends the app's live instances now, asked again for every connection
     */
    Forwarder(String name, String bindAddress, int port, Supplier<List<Backend>> backends) throws IOException {
        this.name = name;
        this.backends = backends;
        this.server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(bindAddress, port));
        } catch (IOException e) {
            server.close();
            throw e;
        }
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "harbor-" + port);
            t.setDaemon(true);
            return t;
        });
        threads.execute(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed || server.isClosed()) {
                    return;
                }
                // e.g. out of file descriptors: keep the port, and give the node a moment before the next try
                LOG.warn("harbor {}: accepting a connection failed: {}", name, e.getMessage());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    return;
                }
                continue;
            }
            open.add(client);
            try {
                threads.execute(() -> connect(client));
            } catch (RuntimeException rejected) {
                // closing: the executor takes no more work
                quietly(client);
            }
        }
    }

    private void connect(Socket client) {
        List<Backend> live = backends.get();
        if (live.isEmpty()) {
            LOG.info("harbor {}: no running instance of the app to forward a connection to", name);
            quietly(client);
            return;
        }
        Backend backend = live.get(Math.floorMod(next.getAndIncrement(), live.size()));
        Socket upstream = new Socket();
        open.add(upstream);
        if (closed) {
            // close() may have swept the open sockets before this one was added
            quietly(client);
            quietly(upstream);
            return;
        }
        try {
            upstream.connect(new InetSocketAddress(backend.address(), backend.port()), CONNECT_TIMEOUT_MS);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException e) {
            LOG.info("harbor {}: instance at {}:{} refused a connection: {}", name, backend.address(), backend.port(),
                    e.getMessage());
            quietly(client);
            quietly(upstream);
            return;
        }
        AtomicInteger directions = new AtomicInteger(2);
        try {
            threads.execute(() -> pump(upstream, client, directions));
        } catch (RuntimeException rejected) {
            quietly(client);
            quietly(upstream);
            return;
        }
        pump(client, upstream, directions);
    }

    /**
     * Copies one direction until its end, then half-closes the other side so the peer sees the end too; both
     * sockets are closed when both directions are done, or at once when one fails.
     */
    private void pump(Socket from, Socket to, AtomicInteger directions) {
        byte[] buffer = new byte[BUFFER];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
            to.shutdownOutput();
            if (directions.decrementAndGet() > 0) {
                return;
            }
        } catch (SocketException e) {
            // reset by a peer, or closed by unbind: both sides go
        } catch (IOException e) {
            LOG.debug("harbor {}: a connection ended with {}", name, e.getMessage());
        }
        quietly(from);
        quietly(to);
    }

    private void quietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /**
     * Stops listening and cuts every connection it relays. Returns once the accepting thread is gone: the
     * JDK releases a listening socket only when the thread blocked in accept() leaves it, so until then a
     * client could still connect to a port this harbor instance no longer owns.
     */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // the port is released either way
        }
        open.forEach(this::quietly);
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("harbor {}: connections still open 5 s after closing", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
