package io.strato.api.service.process;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The system user a plugin's servers run as when the node runs as root: by default one of its own per service,
 * {@code strato-<label>} (created with {@code useradd --system} when missing), so that no app, no other data
 * server and no other program on the machine shares the uid that owns the server's files. Never {@code nobody}
 * and never a uid of the range apps run as. When the node does not run as root the servers run as the node's
 * own user (nothing to switch to). Commands are wrapped in util-linux {@code setpriv}, which execs, so the
 * supervised pid is the server's.
 *
 * <p>Files: the directories a server writes ({@link #prepareOwnDir}) belong to this user, mode 700; the
 * directories above them that the node keeps ({@link #prepareParent}) stay the node's, mode 711, so the server
 * can pass through them but neither list nor change them.
 *
 * @param label the service, for messages ("postgresql")
 * @param name  user name, e.g. "strato-postgresql"; blank when the server runs as the node's own user
 * @param group that user's primary group
 */
public record ServerUser(String label, String name, String group) {

    /** Prefix of the users made for services: {@code strato-redis}, {@code strato-postgresql}, ... */
    public static final String PREFIX = "strato-";
    /** Uids apps run as by default (io.strato.api.sandbox.UidRange): never a server's. */
    static final int APP_UID_FIRST = 20000;
    static final int APP_UID_LAST = 29999;
    private static final System.Logger LOG = System.getLogger(ServerUser.class.getName());
    private static final Object USERADD = new Object();

    /**
     * The user for the servers of service {@code label}: the node's own when the node is not root or
     * {@code runAs} is "root"; otherwise {@code runAs}, or {@code strato-<label>} when it is blank, created as a
     * system user when it does not exist.
     *
     * @throws IOException when {@code runAs} is {@code nobody} or an app's uid, names a user that does not exist,
     *                     or the user cannot be created
     */
    public static ServerUser forServer(String label, String runAs) throws IOException {
        if (!nodeIsRoot() || "root".equals(runAs)) {
            return new ServerUser(label, "", "");
        }
        String name = runAs == null || runAs.isBlank() ? defaultName(label) : runAs.trim();
        String cfg = "etc/io.strato.service." + label + ".cfg";
        if (name.equals("nobody")) {
            throw new IOException(label + " servers may not run as nobody, whom other programs share: leave runAs"
                    + " blank in " + cfg + " (the server then runs as " + defaultName(label) + ")");
        }
        Integer uid = uid(name);
        if (uid == null) {
            if (!name.equals(defaultName(label))) {
                throw new IOException(label + " runAs user " + name + " does not exist; set runAs in " + cfg
                        + " or leave it blank for " + defaultName(label));
            }
            create(name);
            uid = uid(name);
            if (uid == null) {
                throw new IOException("user " + name + " was not created; see the Karaf log");
            }
        }
        if (uid == 0 || uid == 65534 || (uid >= APP_UID_FIRST && uid <= APP_UID_LAST)) {
            throw new IOException(label + " runAs user " + name + " has uid " + uid
                    + ", which is root, nobody or an app's; set runAs in " + cfg + " to a user of its own");
        }
        return new ServerUser(label, name, output(List.of("id", "-gn", name)));
    }

    /** {@code strato-<label>}. */
    public static String defaultName(String label) {
        return PREFIX + label;
    }

    public static boolean nodeIsRoot() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    /** Whether the server runs as another user than the node. */
    public boolean switches() {
        return !name.isEmpty();
    }

    /** The uid the server runs as (the node's own when it does not switch). */
    public int uid() throws IOException {
        if (!switches()) {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        }
        Integer uid = uid(name);
        if (uid == null) {
            throw new IOException("user " + name + " no longer exists");
        }
        return uid;
    }

    /** The command as it runs as this user. */
    public List<String> wrap(List<String> command) {
        if (!switches()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + name, "--regid=" + group, "--clear-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Gives the file or directory to this user (without following links). */
    public void own(Path path) throws IOException {
        if (!switches()) {
            return;
        }
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(name);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(this.group);
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        view.setOwner(user);
        view.setGroup(group);
    }

    /**
     * A directory only the server writes: created when missing, given with everything in it to this user
     * (also what an earlier user, e.g. {@code nobody}, left there), mode 700. Symbolic links are not followed.
     */
    public void prepareOwnDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        if (!switches()) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                own(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                own(file);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * A directory of the node's that holds the server's own directories: created when missing, mode 711 when the
     * server runs as another user (it passes through, cannot list or change it), 700 otherwise. The directories
     * above it must let the server user pass ({@link #checkCanReach}).
     */
    public void prepareParent(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(switches() ? "rwx--x--x" : "rwx------"));
        checkCanReach(dir);
    }

    /**
     * The server user must be able to walk down to its data directory. Directories of the node's data
     * ({@code karaf.data}) on the way are opened to passing through ({@code o+x}, never listing); for one elsewhere
     * the message says which directory stops it.
     */
    public void checkCanReach(Path dir) throws IOException {
        if (!switches()) {
            return;
        }
        Path karafData = Path.of(System.getProperty("karaf.data", "data")).toAbsolutePath().normalize();
        for (Path p = dir.toAbsolutePath().normalize().getParent(); p != null; p = p.getParent()) {
            if (!Files.exists(p)) {
                continue;
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            if (perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                continue;
            }
            if (p.startsWith(karafData)) {
                Set<PosixFilePermission> passable = EnumSet.copyOf(perms);
                passable.add(PosixFilePermission.OTHERS_EXECUTE);
                Files.setPosixFilePermissions(p, passable);
                continue;
            }
            throw new IOException("the " + label + " server runs as " + name + ", which cannot enter " + p
                    + ": chmod o+x it or set dataDir in etc/io.strato.service." + label + ".cfg to a directory it can reach");
        }
    }

    private static Integer uid(String name) throws IOException {
        Process p = new ProcessBuilder("id", "-u", name).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted looking up user " + name, e);
        }
        return p.exitValue() == 0 && out.matches("[0-9]+") ? Integer.valueOf(out) : null;
    }

    /** A system user with a group of its own, no home and no login shell; useradd is retried while another holds its lock. */
    private static void create(String name) throws IOException {
        synchronized (USERADD) {
            IOException last = null;
            for (int attempt = 0; attempt < 10; attempt++) {
                if (uid(name) != null) {
                    return;
                }
                try {
                    output(List.of("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                            "--shell", "/usr/sbin/nologin", "--comment", "Strato data server", name));
                    LOG.log(Level.INFO, "created system user " + name + " for the " + name.substring(PREFIX.length())
                            + " servers");
                    return;
                } catch (IOException e) {
                    last = e;
                    try {
                        Thread.sleep(200L * (attempt + 1));
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted creating user " + name, ie);
                    }
                }
            }
            throw new IOException("could not create system user " + name + " (useradd from the passwd package): "
                    + last.getMessage());
        }
    }

    private static String output(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATH", "/usr/sbin:/sbin:/usr/bin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + command.get(0), e);
        }
        return out;
    }
}
