package io.strato.services.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The plugin's own connection to one redis server, as its admin (the {@code default} user, whose password only the
 * plugin knows): just enough of the RESP protocol to manage the ACL users of bindings, so no client library is
 * needed in the bundle.
 */
final class RedisAdmin implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RedisAdmin(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects and logs in as the default user. */
    static RedisAdmin login(String host, int port, String adminPassword) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(10_000);
            RedisAdmin admin = new RedisAdmin(socket);
            admin.call("AUTH", adminPassword);
            return admin;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends one command; the reply's first line (without its type character), or an exception with redis's error. */
    String call(String... args) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            request.writeBytes(bytes);
            request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(request.toByteArray());
        out.flush();
        String reply = line();
        if (reply.startsWith("-")) {
            // never the arguments: they may hold a password
            throw new IOException("redis refused " + args[0] + (args.length > 1 && !args[0].equals("AUTH") ? " " + args[1] : "")
                    + ": " + reply.substring(1));
        }
        skipRest(reply);
        return reply.substring(1);
    }

    /** Reads past the body of a bulk or array reply, which the plugin does not need. */
    private void skipRest(String reply) throws IOException {
        char type = reply.charAt(0);
        if (type == '$') {
            int length = Integer.parseInt(reply.substring(1));
            if (length >= 0) {
                in.readNBytes(length + 2);
            }
        } else if (type == '*') {
            int count = Integer.parseInt(reply.substring(1));
            for (int i = 0; i < count; i++) {
                skipRest(line());
            }
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\r') {
                in.read();
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(c);
        }
        throw new IOException("redis closed the connection");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

}
