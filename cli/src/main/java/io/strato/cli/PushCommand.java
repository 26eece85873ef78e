package io.strato.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

@Command(name = "push", description = "Create or update an app from a directory, upload it, start it and print its URL.")
public final class PushCommand implements Runnable {

    static final int DEFAULT_MEMORY = 256;

    @ParentCommand
    private Strato strato;

    @Parameters(arity = "0..1", paramLabel = "<name>", description = "App name; defaults to the manifest's name")
    private String name;

    @Option(names = {"--path", "-p"}, paramLabel = "<dir>", defaultValue = ".", description = "App directory (default: .)")
    private Path path;

    @Option(names = {"--instances", "-i"}, paramLabel = "<n>", description = "Number of instances")
    private Integer instances;

    @Option(names = {"--mem", "-m"}, paramLabel = "<size>", description = "Memory per instance: 256, 256M, 1G")
    private String mem;

    @Option(names = "--no-start", description = "Upload but do not start")
    private boolean noStart;

    @Override
    public void run() {
        PrintStream out = strato.terminal().out();
        Path source = path.toAbsolutePath().normalize();
        boolean prebuilt = isArchive(source);
        if (!prebuilt && !Files.isDirectory(source)) {
            throw new CliError("No directory or .zip/.jar/.war at " + source + ": give the app with --path");
        }
        // A built archive is pushed from its project, so its manifest is the one in the working directory.
        Manifest manifest = ManifestReader.read(prebuilt ? Path.of("").toAbsolutePath() : source);
        String appName = name != null ? name : manifest.name();
        if (appName == null || appName.isBlank()) {
            throw new CliError("Name the app: run `strato push <name>` or set name in stackato.yml");
        }
        if (instances != null && instances < 0) {
            throw new CliError("--instances must be 0 or more");
        }
        Integer memory = mem != null ? Integer.valueOf(MemorySize.megabytes(mem)) : manifest.memory();
        Integer count = instances != null ? instances : manifest.instances();

        ControllerClient controller = strato.controller();
        String spaceGuid = controller.spaceGuid();
        Map<String, Object> fields = new LinkedHashMap<>();
        if (memory != null) {
            fields.put("memory", memory);
        }
        if (count != null) {
            fields.put("instances", count);
        }
        if (manifest.command() != null) {
            fields.put("command", manifest.command());
        }
        if (!manifest.env().isEmpty()) {
            fields.put("environment_json", manifest.env());
        }

        // the directory is packed while the app, its routes and services are set up
        CompletableFuture<Packed> packing = prebuilt ? null : CompletableFuture.supplyAsync(() -> pack(source));
        try {
            push(controller, appName, spaceGuid, fields, manifest, prebuilt, source, packing, out);
        } finally {
            if (packing != null) {
                try {
                    packing.join().delete();
                } catch (RuntimeException ignored) {
                    // packing failed: there is no zip to delete
                }
            }
        }
    }

    private void push(ControllerClient controller, String appName, String spaceGuid, Map<String, Object> fields,
                      Manifest manifest, boolean prebuilt, Path source, CompletableFuture<Packed> packing,
                      PrintStream out) {
        App app = createOrUpdate(controller, appName, spaceGuid, fields, out);

        RouteMapper routes = new RouteMapper(controller, controller.sharedDomains(), spaceGuid);
        List<String> wanted = manifest.urls().isEmpty()
                ? List.of(routes.defaultUrl(appName))
                : manifest.urls().stream().map(u -> routes.expand(u, appName)).toList();
        List<String> urls = routes.map(app, wanted);

        new ManifestServices(controller, spaceGuid, manifest.file(), out).provisionAndBind(app, manifest.services());

        AppStarter starter = strato.appStarter(controller);
        ApiResponse uploaded;
        try {
            uploaded = prebuilt ? upload(controller, app, source) : uploadDirectory(controller, app, source, packing, out);
        } catch (CliError e) {
            if (app.started()) { // it was stopped for the new bits, which never came: it runs on with its old ones
                controller.updateApp(app.guid(), Map.of("state", "STARTED"));
                out.println("The upload failed; '" + appName + "' was started again with its previous bits");
            }
            throw e;
        }
        starter.streamStagingLog(uploaded);

        if (noStart) {
            out.println("Pushed '" + appName + "' without starting it: run `strato start " + appName + "`");
            return;
        }
        starter.start(app);
        urls.forEach(url -> out.println(controller.appUrl(url)));
    }

    private static App createOrUpdate(ControllerClient controller, String appName, String spaceGuid,
                                      Map<String, Object> fields, PrintStream out) {
        Optional<App> existing = controller.findApp(appName);
        if (existing.isPresent()) {
            App app = existing.get();
            out.println("Updating app '" + appName + "'...");
            // Stop first so the start after the upload stages the new bits and streams that log.
            if (app.started()) {
                fields.put("state", "STOPPED");
            }
            if (!fields.isEmpty()) {
                controller.updateApp(app.guid(), fields);
            }
            return app;
        }
        out.println("Creating app '" + appName + "'...");
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("name", appName);
        create.put("space_guid", spaceGuid);
        create.put("memory", DEFAULT_MEMORY);
        create.put("instances", 1);
        create.putAll(fields);
        return controller.createApp(create);
    }

    static boolean isArchive(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(path) && (name.endsWith(".zip") || name.endsWith(".jar") || name.endsWith(".war"));
    }

    /** A packed directory: how many files, in which temporary zip; or why it could not be packed. */
    private record Packed(int files, Path zip, String problem) {
        void delete() {
            if (zip != null) {
                try {
                    Files.deleteIfExists(zip);
                } catch (IOException ignored) {
                    // A leftover temp file is harmless; the push itself succeeded or failed already.
                }
            }
        }
    }

    private static Packed pack(Path dir) {
        try {
            AppArchive archive = AppArchive.of(dir);
            int files = archive.files().size();
            return new Packed(files, archive.writeToTempFile(), null);
        } catch (IOException | UncheckedIOException e) {
            return new Packed(0, null, e.getMessage());
        }
    }

    private ApiResponse uploadDirectory(ControllerClient controller, App app, Path dir, CompletableFuture<Packed> packing,
                                        PrintStream out) {
        Packed packed = packing.join();
        if (packed.problem() != null) {
            throw new CliError("Cannot pack " + dir + ": " + packed.problem());
        }
        out.println("Packing " + packed.files() + " files from " + dir);
        return upload(controller, app, packed.zip());
    }

    /** Jars and wars are zips, so they go up unchanged. */
    private ApiResponse upload(ControllerClient controller, App app, Path zip) {
        long size;
        try {
            size = Files.size(zip);
        } catch (IOException e) {
            throw new CliError("Cannot read " + zip + ": " + e.getMessage());
        }
        ProgressBar bar = new ProgressBar(strato.terminal().err(), "Uploading", size);
        ApiResponse response = controller.uploadBits(app.guid(), zip, bar);
        bar.finish();
        return response;
    }
}
