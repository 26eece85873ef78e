package io.strato.services.rabbit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The plugin's end of the broker's control channel: a Unix domain socket in the data directory (mode 600, in
 * a directory of mode 700), and a secret on top. One command per connection; see the launcher's ControlServer.
 */
final class BrokerControl {

    private final Path socket;
    private final String secret;

    BrokerControl(Path socket, String secret) {
        this.socket = socket;
        this.secret = secret;
    }

    /** Runs one command and returns what follows "OK "; the broker's reason when it refused. */
    synchronized String call(String... command) throws IOException {
        for (String part : command) {
            if (part.contains("\t") || part.contains("\n")) {
                throw new IllegalArgumentException("control arguments must not contain tabs or line breaks");
            }
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(channel);
            out.write((secret + "\n" + String.join("\t", command) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String reply = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8)).readLine();
            if (reply == null) {
                throw new IOException("the rabbit broker closed its control connection without answering " + command[0]);
            }
            if (reply.startsWith("OK ")) {
                return reply.substring(3);
            }
            throw new IOException(reply.startsWith("ERR ") ? reply.substring(4) : reply);
        }
    }

    /** Waits until the broker answers on its control socket (it opens it just after its AMQP port). */
    void await(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                call("PING");
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the rabbit broker does not answer on its control socket " + socket + ": " + e.getMessage(), e);
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the rabbit broker", e);
            }
        }
    }
}
