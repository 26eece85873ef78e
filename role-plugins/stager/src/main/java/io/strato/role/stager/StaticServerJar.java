package io.strato.role.stager;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Writes {@link StaticServer} into a droplet as a runnable jar, taken from the stager's own class. */
final class StaticServerJar {

    /** Where the jar goes in the app directory, and how the DEA starts it. */
    static final String PATH = ".strato/static-server.jar";
    static final String START_COMMAND = "java -jar " + PATH;

    private StaticServerJar() {
    }

    static void write(Path appDir) throws IOException {
        Path jar = appDir.resolve(PATH);
        Files.createDirectories(jar.getParent());
        String classFile = StaticServer.class.getName().replace('.', '/') + ".class";
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, StaticServer.class.getName());
        try (InputStream in = StaticServer.class.getClassLoader().getResourceAsStream(classFile);
             OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest)) {
            if (in == null) {
                throw new IOException("the static file server class is missing from the stager bundle");
            }
            out.putNextEntry(new JarEntry(classFile));
            in.transferTo(out);
            out.closeEntry();
        }
    }
}
