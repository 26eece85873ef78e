package io.strato.services.rabbit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The broker's class path, unpacked from this bundle: the Qpid Broker-J jars (listed at build time in
 * {@code /server/jars}) and the launcher's classes, read here as bytes only: Karaf must never load them,
 * since their imports (the broker's packages) are not wired to this bundle.
 */
final class RabbitServerFiles {

    /** A name, not a class literal, so that nothing in Karaf loads the class. */
    static final String MAIN_CLASS = "io.strato.services.rabbit.server.RabbitBrokerMain";
    private static final List<String> CLASSES = List.of(MAIN_CLASS, MAIN_CLASS + "$Listener");

    private RabbitServerFiles() {
    }

    /**
     * Unpacks what is missing or changed into {@code dir} and returns the class path, which names only this
     * bundle's jars, so jars an older bundle left in {@code dir} are never on it.
     */
    static String unpack(Path dir) throws IOException {
        List<String> classPath = new ArrayList<>();
        Path classes = dir.resolve("classes");
        for (String name : CLASSES) {
            String file = name.replace('.', '/') + ".class";
            copy("/" + file, classes.resolve(file));
        }
        classPath.add(classes.toAbsolutePath().toString());
        for (String jar : new String(read("/server/jars"), StandardCharsets.UTF_8).trim().split(",")) {
            Path target = dir.resolve(jar);
            copy("/server/" + jar, target);
            classPath.add(target.toAbsolutePath().toString());
        }
        // the broker's own user walks these directories: the node creates them owner-only (umask 077)
        try (java.util.stream.Stream<Path> dirs = Files.walk(dir)) {
            for (Path d : dirs.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
                Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        return String.join(":", classPath);
    }

    private static void copy(String resource, Path target) throws IOException {
        byte[] bytes = read(resource);
        // readable by the broker's own user, which runs it
        java.util.Set<java.nio.file.attribute.PosixFilePermission> readable =
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
            Files.setPosixFilePermissions(target, readable);
            return;
        }
        Files.createDirectories(target.getParent());
        // write beside and move, so a broker starting at the same time never reads half a file
        Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        Files.write(partial, bytes);
        Files.setPosixFilePermissions(partial, readable);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static byte[] read(String resource) throws IOException {
        try (InputStream in = RabbitServerFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("this bundle has no " + resource + "; it was built without the rabbit broker");
            }
            return in.readAllBytes();
        }
    }
}
