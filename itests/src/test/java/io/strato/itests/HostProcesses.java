package io.strato.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * App instances run in pid namespaces of their own, so the pid an app reports is not the host's. Tests
 * that kill an instance find its host pid by the port it listens on (each instance has its own).
 */
final class HostProcesses {

    private HostProcesses() {
    }

    /** The host pid of the process listening on TCP {@code port}, if any. */
    static OptionalLong listeningOn(int port) throws IOException {
        String inode = null;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                // local_address is HEXIP:HEXPORT; state 0A is LISTEN; the inode is the tenth column
                if (f.length > 9 && f[1].endsWith(":" + String.format("%04X", port)) && f[3].equals("0A")) {
                    inode = f[9];
                }
            }
        }
        if (inode == null) {
            return OptionalLong.empty();
        }
        String socket = "socket:[" + inode + "]";
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                    for (Path fd : fds.toList()) {
                        try {
                            if (Files.readSymbolicLink(fd).toString().equals(socket)) {
                                return OptionalLong.of(Long.parseLong(proc.getFileName().toString()));
                            }
                        } catch (IOException gone) {
                            // closed meanwhile
                        }
                    }
                } catch (IOException gone) {
                    // the process ended meanwhile
                }
            }
        }
        return OptionalLong.empty();
    }

    /** kill -9 of the process listening on {@code port}; fails when there is none. */
    static long killListener(int port) throws IOException {
        long pid = listeningOn(port).orElseThrow(() -> new IllegalStateException("nothing listens on port " + port));
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        return pid;
    }
}
