package io.strato.role.stager;

import com.fasterxml.jackson.databind.JsonNode;
import io.strato.api.json.Json;
import io.strato.api.manifest.AppManifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds out what kind of app a directory holds and how to install and start it. The start command
 * is, first found: the one the controller sent, the manifest's ({@code processes: web} or
 * {@code command}), the Procfile's {@code web:} line, the runtime's default.
 */
final class RuntimeDetector {

    static final List<String> BUILDPACKS = List.of("nodejs", "python", "java", "static", "generic");

    private final String npmCommand;
    private final String pipCommand;

    RuntimeDetector(String npmCommand, String pipCommand) {
        this.npmCommand = npmCommand;
        this.pipCommand = pipCommand;
    }

    DetectedRuntime detect(Path app, AppManifest manifest, String requestedBuildpack, String requestedCommand)
            throws StagingFailure, IOException {
        String command = firstSet(requestedCommand, manifest.startCommand(), procfileWeb(app));
        String buildpack = requestedBuildpack == null || requestedBuildpack.isBlank()
                ? guess(app, manifest, command) : known(requestedBuildpack);
        return switch (buildpack) {
            case "nodejs" -> node(app, manifest, command);
            case "python" -> python(app, manifest, command);
            case "java" -> java(app, command);
            case "static" -> new DetectedRuntime("static", command != null ? command : StaticServerJar.START_COMMAND,
                    List.of(), Map.of());
            default -> {
                if (command == null) {
                    throw new StagingFailure("no start command for this app: give a command in stackato.yml "
                            + "or manifest.yml, or a web: line in a Procfile");
                }
                yield new DetectedRuntime("generic", command, List.of(), Map.of());
            }
        };
    }

    private String guess(Path app, AppManifest manifest, String command) throws StagingFailure, IOException {
        if (Files.isRegularFile(app.resolve("package.json"))) {
            return "nodejs";
        }
        if (Files.isRegularFile(app.resolve("requirements.txt")) || Files.isRegularFile(app.resolve("app.py"))
                || !manifest.pipRequirements().isEmpty()) {
            return "python";
        }
        if (runnableJar(app).isPresent() || explodedJarCommand(app).isPresent()) {
            return "java";
        }
        if (command != null) {
            return "generic";
        }
        if (Files.isRegularFile(app.resolve("index.html"))) {
            return "static";
        }
        throw new StagingFailure("could not detect the app's runtime: add package.json (Node.js), requirements.txt "
                + "or app.py (Python), a runnable jar (Java) or index.html (static site), or give a command in "
                + "stackato.yml");
    }

    private static String known(String requested) throws StagingFailure {
        String name = requested.trim().toLowerCase(java.util.Locale.ROOT);
        if (name.equals("node") || name.equals("node.js")) {
            name = "nodejs";
        }
        if (!BUILDPACKS.contains(name)) {
            throw new StagingFailure("unknown buildpack '" + requested + "'; this stager knows "
                    + String.join(", ", BUILDPACKS));
        }
        return name;
    }

    private DetectedRuntime node(Path app, AppManifest manifest, String command) throws StagingFailure, IOException {
        JsonNode pkg = Json.mapper().createObjectNode();
        Path packageJson = app.resolve("package.json");
        if (Files.isRegularFile(packageJson)) {
            try {
                pkg = Json.mapper().readTree(packageJson.toFile());
            } catch (IOException e) {
                throw new StagingFailure("package.json is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        List<DetectedRuntime.InstallStep> steps = new ArrayList<>();
        boolean hasDependencies = pkg.path("dependencies").isObject() && pkg.path("dependencies").size() > 0;
        if (!manifest.npmRequirements().isEmpty()) {
            steps.add(new DetectedRuntime.InstallStep("Installing dependencies",
                    npmCommand + " install --production --no-audit --no-fund " + quoteAll(manifest.npmRequirements()), "npm"));
        } else if (hasDependencies) {
            steps.add(new DetectedRuntime.InstallStep("Installing dependencies", npmCommand + " install --production --no-audit --no-fund",
                    "npm"));
        }
        if (command == null) {
            String start = pkg.path("scripts").path("start").asText("");
            if (!start.isBlank()) {
                command = start;
            } else {
                String main = pkg.path("main").asText("");
                for (String candidate : List.of(main, "server.js", "app.js", "index.js")) {
                    if (!candidate.isBlank() && Files.isRegularFile(app.resolve(candidate).normalize())
                            && app.resolve(candidate).normalize().startsWith(app)) {
                        command = "node " + quote(candidate);
                        break;
                    }
                }
            }
        }
        if (command == null) {
            throw new StagingFailure("no start command for the Node.js app: add scripts.start to package.json, "
                    + "or a server.js, app.js or index.js");
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "${STACKATO_APP_ROOT}/node_modules/.bin:${PATH}");
        env.put("NODE_ENV", "production");
        return new DetectedRuntime("nodejs", command, steps, env);
    }

    private DetectedRuntime python(Path app, AppManifest manifest, String command) throws StagingFailure, IOException {
        List<DetectedRuntime.InstallStep> steps = new ArrayList<>();
        Path requirements = app.resolve("requirements.txt");
        boolean hasRequirements = Files.isRegularFile(requirements) && Files.readAllLines(requirements).stream()
                .map(String::trim).anyMatch(l -> !l.isEmpty() && !l.startsWith("#"));
        if (hasRequirements || !manifest.pipRequirements().isEmpty()) {
            StringBuilder pip = new StringBuilder(pipCommand).append(" install");
            if (hasRequirements) {
                pip.append(" -r requirements.txt");
            }
            if (!manifest.pipRequirements().isEmpty()) {
                pip.append(' ').append(quoteAll(manifest.pipRequirements()));
            }
            pip.append(" --target .python_packages --disable-pip-version-check --no-input --timeout 15 --retries 1");
            steps.add(new DetectedRuntime.InstallStep("Installing dependencies", pip.toString(), "pip"));
        }
        if (command == null && Files.isRegularFile(app.resolve("app.py"))) {
            command = "python3 app.py";
        }
        if (command == null) {
            throw new StagingFailure("no start command for the Python app: add app.py, a web: line in a Procfile, "
                    + "or a command in stackato.yml");
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PYTHONPATH", "${STACKATO_APP_ROOT}/.python_packages");
        env.put("PYTHONUNBUFFERED", "1");
        return new DetectedRuntime("python", command, steps, env);
    }

    private static DetectedRuntime java(Path app, String command) throws StagingFailure, IOException {
        if (command == null) {
            Optional<Path> jar = runnableJar(app);
            command = jar.isPresent() ? "java -jar " + quote(jar.get().getFileName().toString())
                    : explodedJarCommand(app).orElseThrow(() -> new StagingFailure("no runnable jar (one with a "
                    + "Main-Class) at the top of the Java app, no META-INF/MANIFEST.MF with a Main-Class (a jar "
                    + "pushed with --path), and no command in stackato.yml"));
        }
        return new DetectedRuntime("java", command, List.of(), Map.of());
    }

    /**
     * The start command of a jar pushed as the app itself ({@code push --path app.jar}, as {@code cf push -p}):
     * it arrives unpacked, with its {@code META-INF/MANIFEST.MF} at the top. As Cloud Foundry's Java buildpack
     * does, the app directory and the manifest's {@code Class-Path} are the class path and {@code Main-Class} is
     * run; for a Spring Boot jar ({@code BOOT-INF/}) that is Boot's launcher, which runs unpacked jars too.
     */
    static Optional<String> explodedJarCommand(Path app) throws IOException {
        Path manifestFile = app.resolve("META-INF").resolve("MANIFEST.MF");
        if (!Files.isRegularFile(manifestFile)) {
            return Optional.empty();
        }
        java.util.jar.Manifest manifest;
        try (java.io.InputStream in = Files.newInputStream(manifestFile)) {
            manifest = new java.util.jar.Manifest(in);
        }
        String main = manifest.getMainAttributes().getValue("Main-Class");
        if (main == null || main.isBlank()) {
            return Optional.empty();
        }
        StringBuilder classPath = new StringBuilder(".");
        String extra = manifest.getMainAttributes().getValue("Class-Path");
        if (extra != null) {
            for (String entry : extra.trim().split("\\s+")) {
                if (!entry.isEmpty()) {
                    classPath.append(':').append(entry);
                }
            }
        }
        return Optional.of("java -cp " + quote(classPath.toString()) + " " + quote(main.trim()));
    }

    /** The first jar at the top of the app whose manifest names a Main-Class. */
    static Optional<Path> runnableJar(Path app) throws IOException {
        try (Stream<Path> files = Files.list(app)) {
            for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                    .sorted().toList()) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    if (file.getManifest() != null
                            && file.getManifest().getMainAttributes().getValue("Main-Class") != null) {
                        return Optional.of(jar);
                    }
                } catch (IOException notAJar) {
                    // a file named .jar that is not one is just a file
                }
            }
        }
        return Optional.empty();
    }

    static String procfileWeb(Path app) throws IOException {
        Path procfile = app.resolve("Procfile");
        if (!Files.isRegularFile(procfile)) {
            return null;
        }
        for (String line : Files.readAllLines(procfile)) {
            String trimmed = line.trim();
            if (trimmed.startsWith("web:")) {
                String command = trimmed.substring(4).trim();
                return command.isEmpty() ? null : command;
            }
        }
        return null;
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    static String quote(String word) {
        return word.matches("[A-Za-z0-9_./@=:+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    private static String quoteAll(List<String> words) {
        return String.join(" ", words.stream().map(RuntimeDetector::quote).toList());
    }
}
