package io.strato.services.mysql;

import io.strato.api.files.FileTrees;
import io.strato.api.service.process.ServerFiles;
import io.strato.api.service.process.AdminLogin;
import io.strato.api.service.process.ServerUser;
import io.strato.api.service.process.PortOwner;
import io.strato.api.service.process.ProcessSpec;
import io.strato.api.service.process.SupervisedProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's own MariaDB server: binaries unpacked from this bundle, system tables created once by
 * mariadb-install-db with no account but a random-password admin, a TLS certificate made once (so the
 * server does not make one at every start, which costs 5 to 7 s), and a supervised mariadbd.
 */
final class MariaDbServer implements AutoCloseable {

    static final String VERSION = "11.4.5";
    static final String BINARIES = "mariadb-" + VERSION + "-linux-x86_64.zip";
    static final String ADMIN_USER = "strato_admin";

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbServer.class);

    private final Path dataDir;
    private final String host;
    private final int port;
    private final int bufferPoolMb;
    private final ServerUser user;
    private final boolean asRoot;
    private final Duration startTimeout;
    private final Path log;
    private SupervisedProcess process;


    MariaDbServer(Path dataDir, String host, int port, int bufferPoolMb, ServerUser user, Duration startTimeout) throws IOException {
        this.dataDir = dataDir;
        this.host = host;
        this.port = port;
        this.bufferPoolMb = bufferPoolMb;
        this.user = user;
        this.asRoot = !user.switches() && ServerUser.nodeIsRoot();
        this.startTimeout = startTimeout;
        this.log = dataDir.resolve("mysql.log");
    }

    /** Creates the system tables on first start, then runs the server and waits until it listens. */
    synchronized AdminLogin start() throws IOException {
        user.prepareParent(dataDir);
        Path base = unpackBinaries();
        Path db = dataDir.resolve("db");
        Path adminFile = dataDir.resolve("admin.properties");
        if (!Files.exists(db.resolve("mariadb_upgrade_info")) || !Files.exists(adminFile)) {
            install(base, db, adminFile);
        } else {
            // also takes over the files of a server an earlier version ran as nobody
            user.prepareOwnDir(db);
        }
        if (Files.isDirectory(dataDir.resolve("tls"))) {
            user.prepareOwnDir(dataDir.resolve("tls"));
        }
        AdminLogin admin = AdminLogin.load(adminFile);
        Optional<PortOwner> taken = PortOwner.of(host, port);
        if (taken.isPresent() || portTaken()) {
            throw new IOException("something already listens on " + host + ":" + port + " ("
                    + taken.map(PortOwner::describe).orElse("a MariaDB server left over from an earlier run of this node? see " + db + "/*.pid")
                    + "); stop it or set port in etc/io.strato.service.mysql.cfg");
        }
        List<String> command = new ArrayList<>(List.of(base.resolve("bin").resolve("mariadbd").toString(), "--no-defaults",
                "--basedir=" + base, "--datadir=" + db, "--lc-messages-dir=" + base.resolve("share"),
                "--port=" + port, "--bind-address=" + host,
                // relative to the data directory (mode 700): the socket path stays short and only the server user reaches it
                "--socket=mysqld.sock", "--skip-name-resolve",
                "--character-set-server=utf8mb4", "--innodb-buffer-pool-size=" + bufferPoolMb + "M"));
        command.addAll(tlsOptions());
        if (asRoot) {
            command.add("--user=root");
        }
        process = new SupervisedProcess(new ProcessSpec("mysql server (MariaDB " + VERSION + ")", user.wrap(command), dataDir, log,
                Map.of("LC_ALL", "C"), host, port, startTimeout));
        long started = System.nanoTime();
        process.start();
        LOG.info("mysql: MariaDB {} server started on {}:{} in {} (data: {}, log: {})", VERSION, host, port,
                seconds(System.nanoTime() - started), db, log);
        return admin;
    }

    /**
     * Fails, naming the other program, unless the socket on the port belongs to the server this object started
     * (its user and its process): the admin's password goes to no one else.
     */
    void requireOwnServer() throws java.sql.SQLException {
        try {
            PortOwner.requireServer("the mysql server", host, port, user.uid(), pid());
        } catch (IOException e) {
            LOG.error("mysql: refusing to log in as admin: {}", e.getMessage());
            throw new java.sql.SQLException(e.getMessage(), e);
        }
    }

    /** The server's process id, or -1 when it is not running. */
    synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    synchronized boolean listening() {
        return process != null && process.listening();
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            long started = System.nanoTime();
            process.stop();
            process = null;
            LOG.info("mysql: MariaDB server on {}:{} stopped in {}", host, port, seconds(System.nanoTime() - started));
        }
    }

    /** The supervisor waits for the port to accept connections: another server on it would look like ours. */
    private boolean portTaken() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 250);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Path unpackBinaries() throws IOException {
        Path target = dataDir.resolve("bin").resolve(VERSION);
        if (Files.exists(target.resolve(".complete"))) {
            ServerFiles.sharePrograms(dataDir.resolve("bin"));
            return target;
        }
        if (Files.exists(target)) {
            FileTrees.delete(target);
        }
        Files.createDirectories(target);
        try (InputStream raw = MariaDbServer.class.getResourceAsStream("/mariadb-bin/" + BINARIES)) {
            if (raw == null) {
                throw new IOException("this bundle has no " + BINARIES);
            }
            try (ZipInputStream zip = new ZipInputStream(raw)) {
                for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                    Path file = target.resolve(entry.getName()).normalize();
                    if (!file.startsWith(target)) {
                        throw new IOException("bad entry " + entry.getName() + " in " + BINARIES);
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(file);
                        continue;
                    }
                    Files.createDirectories(file.getParent());
                    Files.copy(zip, file, StandardCopyOption.REPLACE_EXISTING);
                    boolean executable = entry.getName().startsWith("bin/") || entry.getName().startsWith("scripts/");
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        ServerFiles.sharePrograms(dataDir.resolve("bin"));
        Files.createFile(target.resolve(".complete"));
        return target;
    }

    /**
     * mariadb-install-db with an extra script that removes every account it made (root, the socket user,
     * anonymous ones) and creates the plugin's admin with a random password. The data directory is created
     * empty first, owned by the server user; a failed install leaves none, so the next start tries again.
     */
    private void install(Path base, Path db, Path adminFile) throws IOException {
        LOG.info("mysql: creating the MariaDB system tables in {} (first start)", db);
        long started = System.nanoTime();
        if (Files.exists(db)) {
            FileTrees.delete(db);
        }
        AdminLogin login = new AdminLogin(ADMIN_USER, newPassword());
        login.save(adminFile, "admin of the node's mysql (MariaDB) server");
        Files.createDirectories(db);
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rwx------"));
        user.own(db);
        Path script = dataDir.resolve("install.sql");
        Files.deleteIfExists(script);
        Files.createFile(script, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(script, "FLUSH PRIVILEGES;\n"
                + "DELETE FROM mysql.global_priv WHERE User <> 'mariadb.sys';\n"
                + "DELETE FROM mysql.proxies_priv;\n"
                + "FLUSH PRIVILEGES;\n"
                + "CREATE USER '" + login.user() + "'@'%' IDENTIFIED BY '" + login.password() + "';\n"
                + "GRANT ALL PRIVILEGES ON *.* TO '" + login.user() + "'@'%' WITH GRANT OPTION;\n");
        user.own(script);
        List<String> command = new ArrayList<>(List.of(base.resolve("scripts").resolve("mariadb-install-db").toString(),
                "--no-defaults", "--basedir=" + base, "--datadir=" + db, "--auth-root-authentication-method=normal",
                "--skip-test-db", "--skip-name-resolve", "--force", "--extra-file=" + script));
        if (asRoot) {
            command.add("--user=root");
        }
        try {
            run(user.wrap(command), "creating the MariaDB system tables (mariadb-install-db)");
        } catch (IOException e) {
            FileTrees.delete(db);
            Files.deleteIfExists(adminFile);
            throw e;
        } finally {
            Files.deleteIfExists(script);
        }
        LOG.info("mysql: MariaDB system tables created in {}", seconds(System.nanoTime() - started));
    }

    /**
     * A self-signed certificate made once with the JDK's keytool. Without one MariaDB 11.4 makes a new
     * one at every start (5 to 7 s); if keytool fails the server does that rather than run without TLS.
     */
    private List<String> tlsOptions() {
        Path dir = dataDir.resolve("tls");
        Path cert = dir.resolve("server-cert.pem");
        Path key = dir.resolve("server-key.pem");
        if (!Files.exists(cert) || !Files.exists(key)) {
            try {
                makeCertificate(dir, cert, key);
            } catch (IOException | GeneralSecurityException e) {
                LOG.warn("mysql: could not make a TLS certificate ({}); the server makes its own at every start, which takes"
                        + " a few seconds longer", e.getMessage());
                return List.of();
            }
        }
        return List.of("--ssl-cert=" + cert, "--ssl-key=" + key);
    }

    private void makeCertificate(Path dir, Path cert, Path key) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        user.own(dir);
        Path store = dir.resolve("keystore.p12");
        Files.deleteIfExists(store);
        String storePassword = newPassword();
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        try {
            run(List.of(keytool.toString(), "-genkeypair", "-alias", "mysql", "-keyalg", "RSA", "-keysize", "2048",
                    "-validity", "36500", "-dname", "CN=strato-mysql", "-keystore", store.toString(), "-storetype", "PKCS12",
                    "-storepass", storePassword, "-keypass", storePassword), "making the TLS certificate (keytool)");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, storePassword.toCharArray());
            }
            Key privateKey = ks.getKey("mysql", storePassword.toCharArray());
            writePem(key, "PRIVATE KEY", privateKey.getEncoded());
            writePem(cert, "CERTIFICATE", ks.getCertificate("mysql").getEncoded());
        } finally {
            Files.deleteIfExists(store);
        }
    }

    private void writePem(Path file, String type, byte[] der) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n");
        user.own(file);
    }


    private void run(List<String> command, String what) throws IOException {
        ServerFiles.runToEnd(command, dataDir, log, what);
    }


    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    static String newPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
