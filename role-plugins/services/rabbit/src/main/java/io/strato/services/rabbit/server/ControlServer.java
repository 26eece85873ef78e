package io.strato.services.rabbit.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.regex.Pattern;
import org.apache.qpid.server.security.SubjectExecutionContext;

/**
 * The control channel the plugin provisions through: a Unix domain socket only the broker's user may open,
 * one command per connection. The first line is the secret from the secret file, the second the command with
 * tab-separated arguments; the answer is one line, {@code OK ...} or {@code ERR <reason>}.
 */
final class ControlServer {

    /** Virtual host and user names the channel accepts: what the plugin makes of instance and binding ids. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
    private static final Pattern PASSWORD = Pattern.compile("[\\x21-\\x7e]{8,200}");

    private final ServerSocketChannel server;
    private final byte[] secret;
    private final RunningBroker running;
    private final BrokerAdmin admin;

    private ControlServer(ServerSocketChannel server, byte[] secret, RunningBroker running, BrokerAdmin admin) {
        this.server = server;
        this.secret = secret;
        this.running = running;
        this.admin = admin;
    }

    static ControlServer open(Path socket, byte[] secret, RunningBroker running, BrokerAdmin admin) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        return new ControlServer(server, secret, running, admin);
    }

    /** One command at a time: provisioning is rare, and serial commands never race on the rule list. */
    void serve() throws IOException {
        while (true) {
            try (SocketChannel client = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
                OutputStream out = Channels.newOutputStream(client);
                String reply;
                String presented = in.readLine();
                if (presented == null || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), secret)) {
                    reply = "ERR wrong control secret";
                    System.err.println("strato: control connection with a wrong secret refused");
                } else {
                    String command = in.readLine();
                    reply = command == null ? "ERR no command" : execute(command);
                }
                out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                System.err.println("strato: control connection failed: " + e.getMessage());
            }
        }
    }

    private String execute(String line) {
        String[] a = line.split("\t", -1);
        try {
            String result = running.asSystem(() -> switch (a[0]) {
                case "PING" -> admin.ping();
                case "CREATE-VHOST" -> admin.createVirtualHost(name(a, 1));
                case "DELETE-VHOST" -> admin.deleteVirtualHost(name(a, 1));
                case "HAS-VHOST" -> Boolean.toString(admin.hasVirtualHost(name(a, 1)));
                case "CREATE-USER" -> admin.createUser(name(a, 1), password(a, 2), name(a, 3));
                case "DELETE-USER" -> admin.deleteUser(name(a, 1));
                default -> throw new IllegalArgumentException("unknown command " + a[0]);
            });
            return "OK " + result;
        } catch (Exception e) {
            Throwable cause = SubjectExecutionContext.unwrapSubjectActionException(e);
            String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
            System.err.println("strato: " + a[0] + " failed: " + message);
            if (!(cause instanceof IllegalArgumentException)) {
                cause.printStackTrace();
            }
            return "ERR " + message.replace('\n', ' ');
        }
    }

    private static String name(String[] args, int i) {
        if (args.length <= i || !NAME.matcher(args[i]).matches()) {
            throw new IllegalArgumentException("argument " + i + " is not a valid name");
        }
        return args[i];
    }

    private static String password(String[] args, int i) {
        if (args.length <= i || !PASSWORD.matcher(args[i]).matches()) {
            throw new IllegalArgumentException("the password is not valid");
        }
        return args[i];
    }
}
