package io.strato.api.app;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a blob can be fetched or stored. Desired apps and staging requests name blobs by path
 * ({@code /internal/v2/droplets/<app>/<sha256>}); every live controller serves every blob, so the path is tried
 * on the controller of this node first, if it has one, then on the others in random order (spreading the load).
 * An absolute URL (from a controller that predates blob paths) is tried as it is first, then its path on the
 * others.
 */
public final class BlobLocations {

    /** One place to try: the node whose controller it is, and the full URL. */
    public record Location(String nodeId, URI uri) {
        public Location {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(uri, "uri");
        }

        /** "the controller on node-2 (http://10.0.0.2:8181)", for logs. */
        public String describe() {
            return "the controller on " + nodeId + " (" + uri.getScheme() + "://" + uri.getRawAuthority() + ")";
        }
    }

    private BlobLocations() {
    }

    /**
     * @param pathOrUrl   a blob path or an absolute URL
     * @param controllers the entries of {@link Channels#BLOBSTORE}: node id → controller base URL
     * @param localNodeId this node's id: its controller, if any, comes first
     * @return the places to try, in order; empty when no controller is known (and the blob has no absolute URL)
     * @throws IllegalArgumentException when {@code pathOrUrl} is neither a path nor an http(s) URL
     */
    public static List<Location> candidates(String pathOrUrl, Map<String, String> controllers, String localNodeId) {
        URI given;
        try {
            given = URI.create(Objects.requireNonNull(pathOrUrl, "pathOrUrl"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a blob path or URL: " + pathOrUrl);
        }
        boolean absolute = given.isAbsolute();
        if (absolute && !("http".equals(given.getScheme()) || "https".equals(given.getScheme()))) {
            throw new IllegalArgumentException("not an http(s) blob URL: " + pathOrUrl);
        }
        if (!absolute && (given.getRawPath() == null || !given.getRawPath().startsWith("/"))) {
            throw new IllegalArgumentException("not a blob path (it must start with /): " + pathOrUrl);
        }
        String path = given.getRawPath() + (given.getRawQuery() == null ? "" : "?" + given.getRawQuery());
        List<Location> first = new ArrayList<>();
        List<Location> others = new ArrayList<>();
        if (absolute) {
            first.add(new Location(given.getHost() == null ? "?" : given.getHost(), given));
        }
        controllers.forEach((node, base) -> {
            URI uri;
            try {
                uri = URI.create(stripSlash(base) + path);
            } catch (IllegalArgumentException | NullPointerException e) {
                return; // an unreadable entry is no place to try
            }
            if (first.stream().anyMatch(l -> l.uri().equals(uri)) || others.stream().anyMatch(l -> l.uri().equals(uri))) {
                return;
            }
            Location location = new Location(node, uri);
            if (node.equals(localNodeId) && !absolute) {
                first.add(location);
            } else if (node.equals(localNodeId)) {
                first.add(1, location);
            } else {
                others.add(location);
            }
        });
        Collections.shuffle(others);
        first.addAll(others);
        return List.copyOf(first);
    }

    /** Whether an HTTP status means this controller cannot serve now, so another should be tried. */
    public static boolean worthRetrying(int status) {
        return status >= 500 || status == 429 || status == 408;
    }

    private static String stripSlash(String base) {
        String b = base.trim();
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }
}
