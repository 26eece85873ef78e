package io.strato.services.mysql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;

/**
 * The unprivileged user the MariaDB server runs as when the node runs as root (mariadbd refuses root without --user=root).
 * Commands are wrapped in util-linux {@code setpriv}, which execs, so the supervised pid is the server's.
 *
 * @param name  user name, e.g. "nobody"; blank when the node is not root and runs mariadbd as itself
 * @param group that user's primary group
 */
record LocalUser(String name, String group) {

    /** runAs blank or "root" keeps a root node's server as root (mariadbd then gets --user=root). */
    static LocalUser forServer(String runAs) throws IOException {
        if (!nodeIsRoot() || runAs.isBlank() || runAs.equals("root")) {
            return new LocalUser("", "");
        }
        Process id = new ProcessBuilder("id", "-gn", runAs).redirectErrorStream(true).start();
        String group = new String(id.getInputStream().readAllBytes()).trim();
        try {
            if (id.waitFor() != 0) {
                throw new IOException("mysql runAs user " + runAs + " does not exist: " + group
                        + "; set runAs in etc/io.strato.service.mysql.cfg");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted looking up user " + runAs, e);
        }
        return new LocalUser(runAs, group);
    }

    static boolean nodeIsRoot() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    boolean switches() {
        return !name.isEmpty();
    }

    List<String> wrap(List<String> command) {
        if (!switches()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + name, "--regid=" + group, "--clear-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    void own(Path path) throws IOException {
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

    /** The server user must be able to walk down to its data directory; say which directory stops it. */
    void checkCanReach(Path dir) throws IOException {
        if (!switches()) {
            return;
        }
        for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IOException("the mysql server runs as " + name + ", which cannot enter " + p
                        + ": chmod o+x it or set dataDir in etc/io.strato.service.mysql.cfg to a directory it can reach");
            }
        }
    }
}
