package io.strato.services.filesystem;

import io.strato.api.cluster.ClusterView;
import io.strato.api.role.Role;
import io.strato.api.role.RoleNames;
import io.strato.api.service.ServiceBinding;
import io.strato.api.service.ServiceCatalogEntry;
import io.strato.api.service.ServiceCredentials;
import io.strato.api.service.ServiceException;
import io.strato.api.service.ServiceHealth;
import io.strato.api.service.ServiceInstance;
import io.strato.api.service.ServicePlan;
import io.strato.api.service.ServicePlugin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The filesystem service (Stackato's persistent file system): each instance is a directory under
 * {@code ${karaf.data}/strato/services/filesystem}, kept across app restarts, redeploys and node restarts, and
 * shared by every instance of every app bound to it. The directory is on this node: apps see it only when
 * their DEA runs on the same node (or the directory is on storage every DEA node mounts at the same path).
 */
@Component(service = {ServicePlugin.class, Role.class}, immediate = true)
public class FilesystemPlugin implements ServicePlugin, Role {

    static final String LABEL = "filesystem";
    private static final Logger LOG = LoggerFactory.getLogger(FilesystemPlugin.class);
    /** Instance ids become directory names, so nothing but what a guid is made of. */
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");

    private final Path root;
    private final Supplier<String> hostname;

    @Activate
    public FilesystemPlugin(@Reference ClusterView cluster) {
        this(Path.of(System.getProperty("karaf.data", "data"), "strato", "services", LABEL),
                () -> cluster.localNode().address());
    }

    /** A plugin with its directories under {@code root}, telling apps {@code hostname} as the node address. */
    public FilesystemPlugin(Path root, Supplier<String> hostname) {
        this.root = root.toAbsolutePath();
        this.hostname = hostname;
    }

    @Override
    public String name() {
        return LABEL;
    }

    @Override
    public String description() {
        return "Filesystem service: persistent directories shared by the instances of bound apps";
    }

    @Override
    public Set<String> requires() {
        return Set.of(RoleNames.BASE);
    }

    @Override
    public ServiceCatalogEntry catalog() {
        return new ServiceCatalogEntry(LABEL, "1.0", "Persistent directory shared by an app's instances",
                List.of("filesystem", "persistent"), List.of(new ServicePlan("free", "A directory on the node's disk", true)));
    }

    @Override
    public ServiceInstance provision(String instanceId, String plan, Map<String, String> parameters)
            throws ServiceException {
        Path dir = directory(instanceId);
        try {
            Files.createDirectories(root);
            // the root is not listable by apps, so one app cannot find another's directory
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw new ServiceException("cannot create directory " + dir + ": " + e.getMessage(), e);
        }
        try {
            // apps may run as another user than the node (the DEA's runAsUser)
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (IOException | UnsupportedOperationException e) {
            delete(dir);
            throw new ServiceException("cannot open directory " + dir + " to apps: " + e.getMessage(), e);
        }
        return new ServiceInstance(instanceId, plan, Map.of("dir", dir.toString()));
    }

    @Override
    public ServiceCredentials bind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        String bindingId = binding.bindingId();
        Path dir = existing(instance);
        return new ServiceCredentials(dir.toUri().toString(), instance.id(), hostname.get(), 0, "", "",
                Map.of("dir", dir.toString()));
    }

    @Override
    public void unbind(ServiceInstance instance, ServiceBinding binding) {
        String bindingId = binding.bindingId();
        // a binding hands out a path only; there is nothing to revoke
    }

    @Override
    public void deprovision(ServiceInstance instance) throws ServiceException {
        Path dir = directory(instance.id());
        try {
            delete(dir);
        } catch (RuntimeException e) {
            throw new ServiceException("cannot delete directory " + dir + ": " + e.getMessage(), e);
        }
        LOG.info("deleted filesystem service directory {}", dir);
    }

    @Override
    public ServiceHealth health() {
        return Files.isDirectory(root) && !Files.isWritable(root)
                ? ServiceHealth.down(root + " is not writable")
                : ServiceHealth.up("directories under " + root);
    }

    private Path directory(String instanceId) throws ServiceException {
        if (instanceId == null || !INSTANCE_ID.matcher(instanceId).matches()) {
            throw new ServiceException("not a valid service instance id: " + instanceId);
        }
        return root.resolve(instanceId);
    }

    private Path existing(ServiceInstance instance) throws ServiceException {
        Path dir = directory(instance.id());
        if (!Files.isDirectory(dir)) {
            throw new ServiceException("directory " + dir + " is gone: delete the service and create it again");
        }
        return dir;
    }

    /** Deletes a tree without following links out of it. */
    private static void delete(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // already deleted
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
