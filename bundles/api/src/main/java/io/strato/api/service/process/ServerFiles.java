package io.strato.api.service.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What plugins that run their own server do with its files: one-off setup commands, removing data. */
public final class ServerFiles {

    private ServerFiles() {
    }

    /**
     * Runs a setup command (initdb, mariadb-install-db, ...) to its end, at most 5 minutes, its output appended
     * to {@code log}. @throws IOException naming {@code what} and the log when it fails
     */
    public static void runToEnd(List<String> command, Path workDir, Path log, String what) throws IOException {
        privateLog(log);
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(what + " failed; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException(what + " interrupted", e);
        }
    }

    /** Makes {@code log} a file only the node's user reads (mode 600): a server's log may name users and databases. */
    public static void privateLog(Path log) throws IOException {
        if (Files.exists(log, LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-------"));
        } else {
            Files.createFile(log, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
    }

    /** Deletes {@code dir} with everything in it; nothing when it does not exist. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
