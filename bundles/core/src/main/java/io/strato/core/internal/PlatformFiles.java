package io.strato.core.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Closes the node's own files to other local users (apps run as their own uids): {@code etc/} (secret,
 * passwords, keys) 0700; {@code data/} 0711, so the directories roles open on purpose below
 * {@code data/strato} stay reachable; every other child of {@code data/} (logs, cache, Karaf's state) 0700.
 * What lies below {@code data/strato} belongs to the roles, which set it themselves.
 */
@Component(immediate = true)
public class PlatformFiles {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformFiles.class);
    static final String OWNER_ONLY = "rwx------";
    static final String TRAVERSE_ONLY = "rwx--x--x";

    @Activate
    public PlatformFiles() {
        Path etc = Path.of(System.getProperty("karaf.etc", "etc"));
        Path data = Path.of(System.getProperty("karaf.data", "data"));
        List<String> failed = close(etc, data);
        if (failed.isEmpty()) {
            LOG.info("Platform files closed to other users: {} {}, {} {}, {}/* {} ({}/strato {})", etc, OWNER_ONLY,
                    data, TRAVERSE_ONLY, data, OWNER_ONLY, data, TRAVERSE_ONLY);
        } else {
            LOG.warn("Could not close these platform files to other users: {}", String.join("; ", failed));
        }
    }

    /** @return what could not be changed, one entry per path */
    static List<String> close(Path etc, Path data) {
        List<String> failed = new ArrayList<>();
        set(etc, OWNER_ONLY, failed);
        set(data, TRAVERSE_ONLY, failed);
        try {
            Files.createDirectories(data.resolve("strato"));
        } catch (IOException e) {
            failed.add(data.resolve("strato") + ": " + e.getMessage());
        }
        try (Stream<Path> children = Files.list(data)) {
            children.filter(p -> Files.isDirectory(p) || Files.isRegularFile(p)).filter(p -> !Files.isSymbolicLink(p))
                    .forEach(p -> set(p, p.getFileName().toString().equals("strato") ? TRAVERSE_ONLY : OWNER_ONLY, failed));
        } catch (IOException e) {
            failed.add(data + ": " + e.getMessage());
        }
        return failed;
    }

    private static void set(Path path, String permissions, List<String> failed) {
        try {
            if (Files.exists(path)) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                        Files.isDirectory(path) ? permissions : "rw-------"));
            }
        } catch (UnsupportedOperationException | IOException e) {
            failed.add(path + ": " + e);
        }
    }
}
