package io.strato.api.service.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The class path of a server a plugin runs in a child JVM, unpacked from the plugin's bundle: the server's jars
 * (copied into the bundle at build time under {@code /server/}, their names listed comma-separated in
 * {@code /server/jars}) and the plugin's launcher classes, read as bytes only: Karaf must never load them,
 * since their imports (the server's packages) are not wired to the bundle.
 */
public final class ServerClassPath {

    private ServerClassPath() {
    }

    /**
     * Unpacks what is missing or changed into {@code dir}, readable by the server's own user, and returns the class
     * path, which names only this bundle's jars (so jars an older bundle left in {@code dir} are never on it).
     *
     * @param bundleClass  a class of the plugin's bundle, whose resources are read
     * @param launchers    the launcher classes by name (a name, not a class literal, so that nothing in Karaf loads them)
     * @param what         what an admin calls the server, for errors ("the mongodb server")
     */
    public static String unpack(Class<?> bundleClass, List<String> launchers, Path dir, String what) throws IOException {
        List<String> classPath = new ArrayList<>();
        Path classes = dir.resolve("classes");
        for (String name : launchers) {
            String file = name.replace('.', '/') + ".class";
            copy(read(bundleClass, "/" + file, what), classes.resolve(file));
        }
        classPath.add(classes.toAbsolutePath().toString());
        for (String jar : new String(read(bundleClass, "/server/jars", what), StandardCharsets.UTF_8).trim().split(",")) {
            Path target = dir.resolve(jar);
            copy(read(bundleClass, "/server/" + jar, what), target);
            classPath.add(target.toAbsolutePath().toString());
        }
        ServerFiles.sharePrograms(dir);
        return String.join(":", classPath);
    }

    private static void copy(byte[] bytes, Path target) throws IOException {
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
            return;
        }
        Files.createDirectories(target.getParent());
        // write beside and move, so a server starting at the same time never reads half a file
        Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        Files.write(partial, bytes);
        Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static byte[] read(Class<?> bundleClass, String resource, String what) throws IOException {
        try (InputStream in = bundleClass.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("this bundle has no " + resource + "; it was built without " + what);
            }
            return in.readAllBytes();
        }
    }
}
