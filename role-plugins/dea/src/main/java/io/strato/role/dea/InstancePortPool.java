package io.strato.role.dea;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The app instances' ports of this DEA: a port of the configured range is given only when nothing on the
 * machine listens on it, and not again until its instance released it; the search goes round the
 * range so a just-freed port is not reused at once (a router may still hold it). The service plugins'
 * {@code PortAllocator} always searches from the start of its range, which is why the DEA keeps its own.
 */
final class InstancePortPool {

    private final int from;
    private final int to;
    private final Set<Integer> used = new HashSet<>();
    private int next;

    InstancePortPool(int from, int to) {
        this.from = from;
        this.to = to;
        this.next = from;
    }

    synchronized OptionalInt allocate() {
        int size = to - from + 1;
        for (int i = 0; i < size; i++) {
            int port = next;
            next = next == to ? from : next + 1;
            if (!used.contains(port) && free(port)) {
                used.add(port);
                return OptionalInt.of(port);
            }
        }
        return OptionalInt.empty();
    }

    synchronized void release(int port) {
        used.remove(port);
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
