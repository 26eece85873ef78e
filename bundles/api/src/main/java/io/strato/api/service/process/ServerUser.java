package io.strato.api.service.process;

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
 * The unprivileged user a plugin's server runs as when the node runs as root (database servers refuse to run as
 * root, and should not). Commands are wrapped in util-linux {@code setpriv}, which execs, so the supervised pid
 * is the server's.
 *
 * @param label the service, for messages ("postgresql")
 * @param name  user name, e.g. "nobody"; blank when the server runs as the node's own user
 * @param group that user's primary group
 */
public record ServerUser(String label, String name, String group) {

    /**
     * The user for a server of service {@code label}: {@code runAs} when the node runs as root; the node's own user
     * when the node is not root, or {@code runAs} is blank or "root".
     *
     * @throws IOException when {@code runAs} does not exist
     */
    public static ServerUser forServer(String label, String runAs) throws IOException {
        if (!nodeIsRoot() || runAs == null || runAs.isBlank() || runAs.equals("root")) {
            return new ServerUser(label, "", "");
        }
        Process id = new ProcessBuilder("id", "-gn", runAs).redirectErrorStream(true).start();
        String group = new String(id.getInputStream().readAllBytes()).trim();
        try {
            if (id.waitFor() != 0) {
                throw new IOException(label + " runAs user " + runAs + " does not exist: " + group
                        + "; set runAs in etc/io.strato.service." + label + ".cfg");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted looking up user " + runAs, e);
        }
        return new ServerUser(label, runAs, group);
    }

    public static boolean nodeIsRoot() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    /** Whether the server runs as another user than the node. */
    public boolean switches() {
        return !name.isEmpty();
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

    /** The server user must be able to walk down to its data directory; says which directory stops it. */
    public void checkCanReach(Path dir) throws IOException {
        if (!switches()) {
            return;
        }
        for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IOException("the " + label + " server runs as " + name + ", which cannot enter " + p
                        + ": chmod o+x it or set dataDir in etc/io.strato.service." + label + ".cfg to a directory it can reach");
            }
        }
    }
}
