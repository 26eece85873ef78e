package io.strato.services.rabbit.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.model.VirtualHostNode;

/**
 * The node's rabbit broker, run in a JVM of its own by the plugin (never loaded in Karaf): Qpid Broker-J with
 * its AMQP 0-8/0-9/0-9-1 protocol and a Derby store per virtual host ({@link RunningBroker}, configured by
 * {@link BrokerConfig}), users allowed on their own virtual host only ({@link AccessRules}), provisioned by the
 * plugin through a control socket ({@link ControlServer}, {@link BrokerAdmin}). Arguments: host, port, work
 * directory, control socket, secret file.
 */
public final class RabbitBrokerMain {

    private RabbitBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: RabbitBrokerMain <host> <port> <work dir> <control socket> <secret file>");
            System.exit(2);
        }
        long started = System.nanoTime();
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        Path workDir = Path.of(args[2]).toAbsolutePath();
        Path socket = Path.of(args[3]).toAbsolutePath();
        byte[] secret = Files.readString(Path.of(args[4])).trim().getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(workDir.resolve("vhosts"));
        System.setProperty(BrokerConfig.HOST_PROPERTY, host);
        System.setProperty(BrokerConfig.PORT_PROPERTY, Integer.toString(port));
        System.setProperty(SystemConfig.PROPERTY_QPID_WORK, workDir.toString());

        // the plugin stops a broker a crashed node left behind by this pid
        Files.writeString(workDir.resolve("broker.pid"), ProcessHandle.current().pid() + "\n");
        RunningBroker broker = RunningBroker.start(workDir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("strato: stopping the rabbit broker");
            broker.shutdown();
        }, "rabbit-shutdown"));
        ControlServer control = ControlServer.open(socket, secret, broker, new BrokerAdmin(broker, workDir));
        System.err.printf("strato: rabbit broker (Qpid Broker-J, AMQP 0-9-1) ready on %s:%d in %d ms with %d virtual host(s); control socket %s%n",
                host, port, (System.nanoTime() - started) / 1_000_000, broker.broker().getChildren(VirtualHostNode.class).size(), socket);
        control.serve();
    }
}
