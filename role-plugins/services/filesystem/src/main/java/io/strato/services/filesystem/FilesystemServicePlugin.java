package io.strato.services.filesystem;

import io.strato.api.cluster.ClusterView;
import io.strato.api.files.FileTrees;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 *
 * <p>A directory is the node's, mode 700; each bound app's uid gets read, write and search on it and everything in
 * it through POSIX ACL entries, with default entries so what one bound app creates the others can use too. Unbind
 * removes the uid's entries (unless another binding of the same uid remains). Without {@code setfacl} (Debian:
 * {@code acl}) a bind is refused rather than the directory opened to everyone.
 */
@Component(service = {ServicePlugin.class, Role.class}, immediate = true)
public class FilesystemServicePlugin implements ServicePlugin, Role {

    static final String LABEL = "filesystem";
    private static final Logger LOG = LoggerFactory.getLogger(FilesystemServicePlugin.class);
    /** Instance ids become directory names, so nothing but what a guid is made of. */
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");
    /** Where the plugin keeps, per instance, which binding granted which uid: not in the directory apps write. */
    private static final String BINDINGS_DIR = ".bindings";
    private static final String SETFACL_MISSING = "the filesystem service needs setfacl to give the app's uid access to"
            + " its directory: apt-get install acl";

    private final Path root;
    private final Supplier<String> hostname;

    @Activate
    public FilesystemServicePlugin(@Reference ClusterView cluster) {
        this(Path.of(System.getProperty("karaf.data", "data"), "strato", "services", LABEL),
                () -> cluster.localNode().address());
    }

    /** A plugin with its directories under {@code root}, telling apps {@code hostname} as the node address. */
    public FilesystemServicePlugin(Path root, Supplier<String> hostname) {
        this.root = root.toAbsolutePath();
        this.hostname = hostname;
        closeOpenDirectories();
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
            prepareRoot();
            // the node's alone until a bind grants an app's uid access
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new ServiceException("cannot create directory " + dir + ": " + e.getMessage(), e);
        }
        return new ServiceInstance(instanceId, plan, Map.of("dir", dir.toString()));
    }

    /** Gives the app's uid read, write and search on the directory and all in it, now and for what is created later. */
    @Override
    public synchronized ServiceCredentials bind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        Path dir = existing(instance);
        if (binding.hasAppUid()) {
            Properties bindings = bindings(instance.id());
            setfacl(List.of("-R", "-P", "-m", "u:" + binding.appUid() + ":rwX,d:u:" + binding.appUid() + ":rwX"), dir);
            bindings.setProperty(binding.bindingId(), Integer.toString(binding.appUid()));
            saveBindings(instance.id(), bindings);
            LOG.info("filesystem service directory {}: uid {} may use it (binding {})", dir, binding.appUid(), binding.bindingId());
        }
        return new ServiceCredentials(dir.toUri().toString(), instance.id(), hostname.get(), 0, "", "",
                Map.of("dir", dir.toString()));
    }

    /** Removes the app uid's ACL entries, unless another binding of the instance has the same uid. */
    @Override
    public synchronized void unbind(ServiceInstance instance, ServiceBinding binding) throws ServiceException {
        Path dir = directory(instance.id());
        Properties bindings = bindings(instance.id());
        String uid = (String) bindings.remove(binding.bindingId());
        if (uid == null && binding.hasAppUid()) {
            uid = Integer.toString(binding.appUid());
        }
        if (uid != null && !bindings.containsValue(uid) && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            setfacl(List.of("-R", "-P", "-x", "u:" + uid + ",d:u:" + uid), dir);
            LOG.info("filesystem service directory {}: uid {} may no longer use it", dir, uid);
        }
        saveBindings(instance.id(), bindings);
    }

    @Override
    public synchronized void deprovision(ServiceInstance instance) throws ServiceException {
        Path dir = directory(instance.id());
        try {
            FileTrees.delete(dir);
            Files.deleteIfExists(bindingsFile(instance.id()));
        } catch (IOException e) {
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

    /**
     * The root: the node's, mode 711 (apps pass through to their directory but cannot list the others); the
     * directories above it inside the node's data let others pass too.
     */
    private void prepareRoot() throws IOException {
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        Path karafData = Path.of(System.getProperty("karaf.data", "data")).toAbsolutePath().normalize();
        for (Path p = root.getParent(); p != null && p.startsWith(karafData); p = p.getParent()) {
            Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(p));
            if (perms.add(PosixFilePermission.OTHERS_EXECUTE)) {
                Files.setPosixFilePermissions(p, perms);
            }
        }
        Path bindings = root.resolve(BINDINGS_DIR);
        if (!Files.isDirectory(bindings, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(bindings, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    /** Directories an earlier version left open to everyone (mode 777) become the node's, mode 700, keeping their ACLs. */
    private void closeOpenDirectories() {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(d -> INSTANCE_ID.matcher(d.getFileName().toString()).matches()).toList()) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
                if (perms.contains(PosixFilePermission.OTHERS_WRITE) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                    LOG.warn("filesystem service directory {} was open to every user; it is now open to the uids of apps"
                            + " bound to it only: bind apps bound before this version again", dir);
                }
            }
            prepareRoot();
        } catch (IOException e) {
            LOG.error("could not check the permissions of the filesystem service directories in {}: {}", root, e.getMessage());
        }
    }

    private Path bindingsFile(String instanceId) throws ServiceException {
        return root.resolve(BINDINGS_DIR).resolve(directory(instanceId).getFileName() + ".properties");
    }

    private Properties bindings(String instanceId) throws ServiceException {
        Properties p = new Properties();
        Path file = bindingsFile(instanceId);
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new ServiceException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return p;
    }

    private void saveBindings(String instanceId, Properties bindings) throws ServiceException {
        Path file = bindingsFile(instanceId);
        try {
            prepareRoot();
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer out = Files.newBufferedWriter(file)) {
                bindings.store(out, "binding id = uid of the bound app: the uids with ACL entries on the instance's directory");
            }
        } catch (IOException e) {
            throw new ServiceException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Runs setfacl on {@code dir}; -P everywhere: a link an app put in the directory is never followed. */
    private static void setfacl(List<String> args, Path dir) throws ServiceException {
        Path setfacl = Stream.of("/usr/bin/setfacl", "/bin/setfacl").map(Path::of).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new ServiceException(SETFACL_MISSING));
        List<String> command = new ArrayList<>(List.of(setfacl.toString()));
        command.addAll(args);
        command.add(dir.toString());
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new ServiceException("setfacl on " + dir + " failed (does its file system support ACLs?): " + out);
            }
        } catch (IOException e) {
            throw new ServiceException("cannot run setfacl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException("interrupted running setfacl", e);
        }
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
}
