package io.strato.services.postgresql;

import io.strato.api.files.FileTrees;
import io.strato.api.service.process.ServerFiles;
import io.strato.api.service.process.AdminLogin;
import io.strato.api.service.process.ServerUser;
import io.strato.api.service.process.PortOwner;
import io.strato.api.service.process.ProcessSpec;
import io.strato.api.service.process.SupervisedProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's own PostgreSQL server: binaries unpacked from this bundle, a cluster created once with a
 * random superuser password, password (scram-sha-256) authentication for every connection, and a
 * supervised postgres process.
 */
final class PostgresServer implements AutoCloseable {

    static final String BINARIES = "postgres-linux-x86_64.txz";
    static final String VERSION = "14.22.0";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);

    private final Path dataDir;
    private final String host;
    private final int port;
    private final String allowedNetwork;
    private final ServerUser user;
    private final Duration startTimeout;
    private SupervisedProcess process;
    private AdminLogin admin;


    PostgresServer(Path dataDir, String host, int port, String allowedNetwork, ServerUser user, Duration startTimeout) {
        this.dataDir = dataDir;
        this.host = host;
        this.port = port;
        this.allowedNetwork = allowedNetwork;
        this.user = user;
        this.startTimeout = startTimeout;
    }

    /** Creates the cluster on first start, then runs the server and waits until it listens. */
    synchronized AdminLogin start() throws IOException {
        user.prepareParent(dataDir);
        Path bin = unpackBinaries().resolve("bin");
        Path pgdata = dataDir.resolve("pgdata");
        Path adminFile = dataDir.resolve("admin.properties");
        if (!Files.exists(pgdata.resolve("PG_VERSION"))) {
            initdb(bin, pgdata, adminFile);
        } else {
            // also takes over a cluster an earlier version ran as nobody
            user.prepareOwnDir(pgdata);
        }
        Optional<PortOwner> taken = PortOwner.of(host, port);
        if (taken.isPresent()) {
            throw new IOException("another program listens on " + host + ":" + port + " (" + taken.get().describe()
                    + "); stop it or set port in etc/io.strato.service.postgresql.cfg");
        }
        admin = AdminLogin.load(adminFile);
        writeHba(pgdata);
        process = new SupervisedProcess(new ProcessSpec("postgresql server", user.wrap(List.of(bin.resolve("postgres").toString(),
                "-D", pgdata.toString(), "-p", Integer.toString(port), "-h", host, "-c", "unix_socket_directories=")),
                dataDir, dataDir.resolve("postgresql.log"), Map.of("LC_ALL", "C"), host, port, startTimeout));
        process.start();
        return admin;
    }

    /**
     * Fails, naming the other program, unless the socket on the port belongs to the server this object started
     * (its user and its process): the superuser's password goes to no one else.
     */
    void requireOwnServer() throws SQLException {
        SupervisedProcess running;
        synchronized (this) {
            running = process;
        }
        try {
            PortOwner.requireServer("the postgresql server", host, port, user.uid(), running == null ? -1 : running.pid());
        } catch (IOException e) {
            LOG.error("postgresql: refusing to log in as superuser: {}", e.getMessage());
            throw new SQLException(e.getMessage(), e);
        }
    }

    synchronized boolean listening() {
        return process != null && process.listening();
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.stop();
            process = null;
        }
    }

    private Path unpackBinaries() throws IOException {
        Path target = dataDir.resolve("bin").resolve(VERSION);
        if (Files.exists(target.resolve(".complete"))) {
            ServerFiles.sharePrograms(dataDir.resolve("bin"));
            return target;
        }
        Files.createDirectories(target);
        Path archive = Files.createTempFile(dataDir, "postgres", ".txz");
        try (InputStream in = PostgresServer.class.getResourceAsStream("/postgres-bin/" + BINARIES)) {
            if (in == null) {
                throw new IOException("this bundle has no " + BINARIES);
            }
            Files.copy(in, archive, StandardCopyOption.REPLACE_EXISTING);
            run(List.of("tar", "-xJf", archive.toString(), "-C", target.toString()), "unpacking the PostgreSQL binaries (needs tar and xz)");
        } finally {
            Files.deleteIfExists(archive);
        }
        ServerFiles.sharePrograms(dataDir.resolve("bin"));
        Files.createFile(target.resolve(".complete"));
        return target;
    }

    private void initdb(Path bin, Path pgdata, Path adminFile) throws IOException {
        AdminLogin login = new AdminLogin("postgres", newPassword());
        login.save(adminFile, "superuser of the node's postgresql server");
        Files.createDirectories(pgdata);
        Files.setPosixFilePermissions(pgdata, PosixFilePermissions.fromString("rwx------"));
        user.own(pgdata);
        Path pwfile = dataDir.resolve("initdb.pw");
        Files.deleteIfExists(pwfile);
        Files.createFile(pwfile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(pwfile, login.password() + "\n");
        user.own(pwfile);
        try {
            run(user.wrap(List.of(bin.resolve("initdb").toString(), "-D", pgdata.toString(), "-U", login.user(),
                    "--auth=scram-sha-256", "--pwfile=" + pwfile, "-E", "UTF8", "--locale=C")), "initdb");
        } catch (IOException e) {
            // initdb refuses a non-empty directory: leave none behind, so the next start tries again
            FileTrees.delete(pgdata);
            throw e;
        } finally {
            Files.deleteIfExists(pwfile);
        }
    }

    /** Password authentication for everyone: the cluster's default would trust local connections. */
    private void writeHba(Path pgdata) throws IOException {
        StringBuilder hba = new StringBuilder("# written by the strato postgresql service at every start\n")
                .append("host all all 127.0.0.1/32 scram-sha-256\n")
                .append("host all all ::1/128 scram-sha-256\n");
        if (!allowedNetwork.isBlank()) {
            hba.append("host all all ").append(allowedNetwork).append(" scram-sha-256\n");
        }
        Path file = pgdata.resolve("pg_hba.conf");
        // never through a link the server's user may have put there
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, hba, java.nio.file.StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        user.own(file);
    }


    private void run(List<String> command, String what) throws IOException {
        ServerFiles.runToEnd(command, dataDir, dataDir.resolve("postgresql.log"), what);
    }


    static String newPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
