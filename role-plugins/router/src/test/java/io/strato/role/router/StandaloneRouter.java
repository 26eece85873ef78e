package io.strato.role.router;

import io.strato.api.app.Channels;
import io.strato.api.app.RouteEntry;
import io.strato.api.cluster.LocalSharedState;
import io.strato.api.cluster.SharedMap;
import io.strato.api.json.Json;

import java.util.concurrent.CountDownLatch;

/**
 * The router outside Karaf, for benchmarks: one route in an in-memory shared map. Run with
 * {@code java -cp ... io.strato.role.router.StandaloneRouter <listenPort> <host> <backendAddress> <backendPort>}.
 */
public final class StandaloneRouter {

    private StandaloneRouter() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        RouteEntry route = new RouteEntry(args[1], args[2], Integer.parseInt(args[3]), "bench-app", "bench-0", 0);
        LocalSharedState state = new LocalSharedState();
        SharedMap routes = state.map(Channels.ROUTES);
        routes.put(route.key(), Json.write(route));
        RouterServer router = new RouterServer(RouterConfig.onPort("127.0.0.1", port), routes);
        router.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            router.close();
            state.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
