package io.strato.api.service.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What plugins that run their own server do with its files: one-off setup commands, private logs, shared programs. */
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

    /**
     * Makes a tree of program files a plugin unpacked (server binaries, jars) readable and, where the owner may
     * run them, runnable by every user, its directories traversable: the node creates files owner-only
     * (umask 077), and the server's own user must run them. Only for public program files, never for data.
     */
    public static void sharePrograms(Path tree) throws IOException {
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path path : paths.toList()) {
                if (Files.isSymbolicLink(path)) {
                    continue;
                }
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    boolean runnable = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)
                            .contains(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(runnable ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
    }
}
