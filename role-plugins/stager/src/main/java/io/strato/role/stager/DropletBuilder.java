package io.strato.role.stager;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.api.json.Json;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Packs a staged app into a droplet: a tar.gz of the app directory with {@value #DESCRIPTOR} at its
 * top, which tells the DEA how to start it.
 */
final class DropletBuilder {

    static final String DESCRIPTOR = "strato-droplet.json";

    /** The droplet file and its SHA-256 (hex), which is also the app version the DEA reports. */
    record Droplet(Path file, String sha256) {
    }

    private DropletBuilder() {
    }

    static void writeDescriptor(Path app, String startCommand, String buildpack, List<String> preRunningHooks,
                                Map<String, String> env) throws IOException {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("start_command", startCommand);
        json.put("buildpack", buildpack);
        json.putPOJO("pre_running_hooks", preRunningHooks);
        json.putPOJO("env", new java.util.TreeMap<>(env));
        // hooks may have planted a link by this name: remove it rather than write through it
        Path file = app.resolve(DESCRIPTOR);
        Files.deleteIfExists(file);
        Files.writeString(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    static Droplet build(Path app, Path target) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
        try (OutputStream file = Files.newOutputStream(target);
             DigestOutputStream digest = new DigestOutputStream(new BufferedOutputStream(file), sha256);
             GZIPOutputStream gzip = new GZIPOutputStream(digest, 64 * 1024);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            List<Path> paths;
            try (Stream<Path> walk = Files.walk(app)) {
                paths = walk.filter(p -> !p.equals(app)).sorted().toList();
            }
            for (Path path : paths) {
                String name = app.relativize(path).toString();
                if (Files.isSymbolicLink(path)) {
                    TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                    entry.setLinkName(Files.readSymbolicLink(path).toString());
                    tar.putArchiveEntry(entry);
                    tar.closeArchiveEntry();
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    TarArchiveEntry entry = new TarArchiveEntry(name + "/");
                    entry.setMode(040755);
                    tar.putArchiveEntry(entry);
                    tar.closeArchiveEntry();
                } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    TarArchiveEntry entry = new TarArchiveEntry(name);
                    entry.setSize(Files.size(path));
                    entry.setMode(executable(path) ? 0100755 : 0100644);
                    entry.setModTime(Files.getLastModifiedTime(path));
                    tar.putArchiveEntry(entry);
                    Files.copy(path, tar);
                    tar.closeArchiveEntry();
                }
            }
            tar.finish();
        }
        return new Droplet(target, HexFormat.of().formatHex(sha256.digest()));
    }

    private static boolean executable(Path path) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        return perms.contains(PosixFilePermission.OWNER_EXECUTE);
    }
}
