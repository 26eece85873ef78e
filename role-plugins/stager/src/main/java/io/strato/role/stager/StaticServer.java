package io.strato.role.stager;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The web server of static sites. It is not run by the stager: its class is copied into each static
 * droplet as {@code .strato/static-server.jar} and started by the DEA with {@code java -jar}, so a static
 * site needs nothing but the JVM every node has. It serves the working directory on {@code $PORT};
 * dot files and the droplet descriptor are not served.
 */
public final class StaticServer {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("xml", "application/xml"),
            Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("ico", "image/x-icon"),
            Map.entry("webp", "image/webp"), Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"),
            Map.entry("pdf", "application/pdf"), Map.entry("wasm", "application/wasm"));

    private final Path root;

    private StaticServer(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        Path root = Path.of(args.length > 0 ? args[0] : ".").toRealPath();
        StaticServer server = new StaticServer(root);
        ExecutorService workers = Executors.newFixedThreadPool(16);
        try (ServerSocket socket = new ServerSocket(port, 128, InetAddress.getByName("0.0.0.0"))) {
            System.out.println("Serving " + root + " on port " + port);
            while (true) {
                Socket client = socket.accept();
                workers.execute(() -> server.handle(client));
            }
        }
    }

    private void handle(Socket client) {
        try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
            client.setSoTimeout(30_000);
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
            String requestLine = reader.readLine();
            if (requestLine == null) {
                return;
            }
            String header;
            while ((header = reader.readLine()) != null && !header.isEmpty()) {
                // headers are not needed to serve files
            }
            String[] parts = requestLine.split(" ");
            if (parts.length < 2) {
                respond(out, 400, "Bad Request", "text/plain", null, false);
                return;
            }
            boolean head = parts[0].equals("HEAD");
            if (!head && !parts[0].equals("GET")) {
                respond(out, 405, "Method Not Allowed", "text/plain", null, false);
                return;
            }
            String path;
            try {
                path = URI.create(parts[1]).getPath();
            } catch (IllegalArgumentException e) {
                respond(out, 400, "Bad Request", "text/plain", null, false);
                return;
            }
            serve(out, path == null || path.isEmpty() ? "/" : path, head);
            System.out.println(parts[0] + " " + parts[1]);
        } catch (IOException e) {
            // the client went away
        }
    }

    private void serve(OutputStream out, String path, boolean head) throws IOException {
        for (String segment : path.split("/")) {
            if (segment.startsWith(".") || segment.equals("strato-droplet.json")) {
                respond(out, 404, "Not Found", "text/plain", null, head);
                return;
            }
        }
        Path file = root.resolve(path.substring(1)).normalize();
        if (!file.startsWith(root) || !Files.exists(file) || !file.toRealPath().startsWith(root)) {
            respond(out, 404, "Not Found", "text/plain", null, head);
            return;
        }
        if (Files.isDirectory(file)) {
            if (!path.endsWith("/")) {
                out.write(("HTTP/1.1 301 Moved Permanently\r\nLocation: " + path + "/\r\nContent-Length: 0\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                return;
            }
            file = file.resolve("index.html");
            if (!Files.isRegularFile(file)) {
                respond(out, 404, "Not Found", "text/plain", null, head);
                return;
            }
        }
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? "application/octet-stream"
                : TYPES.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), "application/octet-stream");
        respond(out, 200, "OK", type, file, head);
    }

    private static void respond(OutputStream out, int status, String text, String type, Path file, boolean head)
            throws IOException {
        byte[] body = file == null ? (status + " " + text + "\n").getBytes(StandardCharsets.UTF_8) : null;
        long length = file == null ? body.length : Files.size(file);
        out.write(("HTTP/1.1 " + status + " " + text + "\r\nContent-Type: " + type + "\r\nContent-Length: " + length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            if (file == null) {
                out.write(body);
            } else {
                Files.copy(file, out);
            }
        }
        out.flush();
    }
}
