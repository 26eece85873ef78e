package io.strato.api.service.process;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Who listens on a local TCP port, from the kernel's tables ({@code /proc/net/tcp}, {@code /proc/net/tcp6}): the
 * socket's owner uid and inode, and the process that holds it. A plugin checks that the server on its port is the
 * one it started before it sends that server an admin password: a program that took the port first (say while
 * the server restarted) would otherwise collect it.
 *
 * @param uid   the uid that owns the listening socket
 * @param inode the socket's inode
 */
public record PortOwner(int uid, long inode) {

    /** The socket listening on {@code host:port} (or on a wildcard address and that port), if any. */
    public static Optional<PortOwner> of(String host, int port) throws IOException {
        byte[] wanted = InetAddress.getByName(host).getAddress();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 10 || !f[3].equals("0A") || !f[1].contains(":")) {
                    continue; // header, or not LISTEN
                }
                String[] local = f[1].split(":");
                if (Integer.parseInt(local[1], 16) != port) {
                    continue;
                }
                byte[] address = address(local[0]);
                if (matches(address, wanted)) {
                    return Optional.of(new PortOwner(Integer.parseInt(f[7]), Long.parseLong(f[9])));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Fails, naming the program that listens instead, unless the socket on {@code host:port} is owned by
     * {@code uid} and held by process {@code pid} or one of its descendants.
     *
     * @param what the server, for the message ("the postgresql server")
     * @throws IOException when nothing listens there, or something else does
     */
    public static void requireServer(String what, String host, int port, int uid, long pid) throws IOException {
        PortOwner owner = of(host, port).orElseThrow(() -> new IOException(what + " does not listen on " + host + ":" + port));
        boolean ours = owner.uid() == uid && pid > 0 && owner.heldBy(pid);
        if (!ours) {
            throw new IOException("another program listens on " + host + ":" + port + ": " + owner.describe()
                    + ", not " + what + " this node started (pid " + pid + ", uid " + uid + "); it gets no password."
                    + " Stop that program");
        }
    }

    /** Whether process {@code pid} or one of its descendants has the socket open. */
    public boolean heldBy(long pid) {
        Set<Long> pids = new HashSet<>();
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
        return pids.stream().anyMatch(this::openIn);
    }

    /** "pid 123 (python3 -m http.server), uid 20077", as far as /proc tells. */
    public String describe() {
        Optional<Long> holder = holder();
        return holder.map(p -> "pid " + p + " (" + commandLine(p) + "), uid " + uid).orElse("uid " + uid + " (process not found)");
    }

    private Optional<Long> holder() {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9]+")).map(Long::valueOf)
                    .filter(this::openIn).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private boolean openIn(long pid) {
        String socket = "socket:[" + inode + "]";
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(socket)) {
                        return true;
                    }
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        } catch (IOException | SecurityException e) {
            return false;
        }
        return false;
    }

    private static String commandLine(long pid) {
        try {
            String cmd = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ').trim();
            return cmd.length() > 120 ? cmd.substring(0, 120) + "..." : cmd;
        } catch (IOException e) {
            return "?";
        }
    }

    /** /proc/net/tcp addresses are 32-bit words in host (little-endian) order. */
    private static byte[] address(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int word = 0; word < out.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int i = word * 4 + b;
                int src = word * 4 + (3 - b);
                out[i] = (byte) Integer.parseInt(hex.substring(src * 2, src * 2 + 2), 16);
            }
        }
        return out;
    }

    private static boolean matches(byte[] listening, byte[] wanted) {
        if (isZero(listening)) {
            return true; // a wildcard listener takes every address's port
        }
        if (listening.length == wanted.length) {
            return java.util.Arrays.equals(listening, wanted);
        }
        // an IPv4-mapped IPv6 listener (::ffff:a.b.c.d)
        if (listening.length == 16 && wanted.length == 4) {
            for (int i = 0; i < 10; i++) {
                if (listening[i] != 0) {
                    return false;
                }
            }
            return listening[10] == (byte) 0xff && listening[11] == (byte) 0xff
                    && java.util.Arrays.equals(java.util.Arrays.copyOfRange(listening, 12, 16), wanted);
        }
        return false;
    }

    private static boolean isZero(byte[] a) {
        for (byte b : a) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
