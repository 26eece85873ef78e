package io.strato.api.service.process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;

/**
 * Hands out ports from a configured range (so an admin can open exactly that range in a firewall). A port
 * is free when no instance of the plugin has it and nothing else on the host listens on it.
 */
public record PortAllocator(String host, int first, int last) {

    public PortAllocator {
        if (first <= 0 || last > 65535 || first > last) {
            throw new IllegalArgumentException("port range must be within 1-65535 and first <= last, not " + first + "-" + last);
        }
    }

    /**
     * @param taken ports this plugin's instances already own, even if their servers are down right now
     * @throws IOException when every port in the range is in use
     */
    public int allocate(Set<Integer> taken) throws IOException {
        for (int port = first; port <= last; port++) {
            if (!taken.contains(port) && bindable(port)) {
                return port;
            }
        }
        throw new IOException("no free port in " + first + "-" + last + " on " + host
                + "; widen the port range in the plugin's configuration");
    }

    private boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
