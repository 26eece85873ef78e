package io.strato.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The example third-party plugin (examples/h2-service) as an admin gets it: its bundle, feature repository and
 * .cfg, and the H2 bundle it needs, in the node's Maven repository (its {@code system/} directory), from where
 * {@code feature:repo-add mvn:...} and {@code kato:role-add h2} install it into the running node.
 */
final class ExamplePlugin {

    static final String REPOSITORY = "mvn:io.strato/strato-example-h2-service/" + StratoNode.VERSION + "/xml/features";
    private static final Path BUILT = Path.of("..", "examples", "h2-service", "target");

    private ExamplePlugin() {
    }

    static void offerTo(StratoNode node) throws IOException {
        String artifact = "strato-example-h2-service-" + StratoNode.VERSION;
        Path dir = node.home.resolve("system/io/strato/strato-example-h2-service/" + StratoNode.VERSION);
        copy(BUILT.resolve(artifact + ".jar"), dir.resolve(artifact + ".jar"));
        copy(BUILT.resolve("feature/feature.xml"), dir.resolve(artifact + "-features.xml"));
        copy(BUILT.resolve("../src/main/cfg/io.example.service.h2.cfg"), dir.resolve(artifact + "-configuration.cfg"));
        Path h2 = Path.of(org.h2.Driver.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        String version = h2.getFileName().toString().replaceAll("^h2-(.*)\\.jar$", "$1");
        copy(h2, node.home.resolve("system/com/h2database/h2/" + version + "/h2-" + version + ".jar"));
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
}
