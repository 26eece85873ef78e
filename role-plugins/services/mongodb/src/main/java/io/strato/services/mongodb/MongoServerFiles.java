package io.strato.services.mongodb;

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
 * The server's class path, unpacked from this bundle: the mongo-java-server jars (listed at build time in
 * {@code /server/jars}) and the main class, read here as bytes only: Karaf must never load it, since its
 * imports (the server's packages) are not wired to this bundle.
 */
final class MongoServerFiles {

    /** A name, not a class literal, so that nothing in Karaf loads the class. */
    static final String MAIN_CLASS = "io.strato.services.mongodb.server.MongoServerMain";
    private static final String MAIN_CLASS_FILE = MAIN_CLASS.replace('.', '/') + ".class";

    private MongoServerFiles() {
    }

    /**
     * Unpacks what is missing or changed into {@code dir} and returns the class path, which names only this
     * bundle's jars, so jars an older bundle left in {@code dir} are never on it.
     */
    static String unpack(Path dir) throws IOException {
        List<String> classPath = new ArrayList<>();
        Path classes = dir.resolve("classes");
        copy("/" + MAIN_CLASS_FILE, classes.resolve(MAIN_CLASS_FILE));
        classPath.add(classes.toAbsolutePath().toString());
        for (String jar : new String(read("/server/jars"), StandardCharsets.UTF_8).trim().split(",")) {
            Path target = dir.resolve(jar);
            copy("/server/" + jar, target);
            classPath.add(target.toAbsolutePath().toString());
        }
        io.strato.api.service.process.ServerFiles.sharePrograms(dir);
        return String.join(":", classPath);
    }

    private static void copy(String resource, Path target) throws IOException {
        byte[] bytes = read(resource);
        // readable by the servers' own user, which runs them
        java.util.Set<java.nio.file.attribute.PosixFilePermission> readable =
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
            Files.setPosixFilePermissions(target, readable);
            return;
        }
        Files.createDirectories(target.getParent());
        // write beside and move, so a server starting at the same time never reads half a file
        Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        Files.write(partial, bytes);
        Files.setPosixFilePermissions(partial, readable);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static byte[] read(String resource) throws IOException {
        try (InputStream in = MongoServerFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("this bundle has no " + resource + "; it was built without the mongo server");
            }
            return in.readAllBytes();
        }
    }
}
