package io.strato.services.mongodb.server;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.util.concurrent.CountDownLatch;

/**
 * The server of one mongodb service instance, run in a JVM of its own by the plugin (never loaded in
 * Karaf): mongo-java-server with its H2 backend, so the data lives in one file and survives restarts.
 * Arguments: host, port, data file.
 */
public final class MongoServerMain {

    private MongoServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: MongoServerMain <host> <port> <data file>");
            System.exit(2);
        }
        MongoServer server = new MongoServer(new H2Backend(args[2]));
        // SIGTERM from the supervisor runs this: shutting down closes the H2 store, so the last writes are on disk
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "mongo-shutdown"));
        server.bind(args[0], Integer.parseInt(args[1]));
        System.err.println("mongo-java-server listening on " + args[0] + ":" + args[1] + ", data in " + args[2]);
        new CountDownLatch(1).await();
    }
}
