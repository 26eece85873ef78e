package io.strato.role.stager;

import io.strato.api.app.StagingRequest;
import io.strato.api.files.FileTrees;
import io.strato.api.manifest.AppManifest;
import io.strato.api.manifest.ManifestException;
import io.strato.api.manifest.ManifestParser;
import io.strato.api.sandbox.Sandbox;
import io.strato.api.sandbox.SandboxCgroup;
import io.strato.api.sandbox.SandboxCgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Stages one app: package → unpacked app → hooks and requirements → droplet in the blob store. Runs in
 * its own directory under the work dir, which is removed whatever happens.
 */
final class StagingTask {

    /** pip's words for "the package index cannot be reached". */
    private static final Pattern PIP_OFFLINE = Pattern.compile(
            "NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution"
                    + "|Network is unreachable|Connection refused|connection broken|Max retries exceeded|timed out",
            Pattern.CASE_INSENSITIVE);

    private static final int FD_LIMIT = 16384;
    private static final int PROCESS_LIMIT = 1024;

    /** The outcome of a successful staging. */
    record Outcome(String dropletSha256, String startCommand, String buildpack) {
    }

    private final StagingRequest request;
    private final StagerSettings settings;
    private final BlobClient blobs;
    private final Sandbox sandbox;
    private final SandboxCgroups cgroups;
    private final StagingOutput log;

    StagingTask(StagingRequest request, StagerSettings settings, BlobClient blobs, Sandbox sandbox,
                SandboxCgroups cgroups, StagingOutput log) {
        this.request = request;
        this.settings = settings;
        this.blobs = blobs;
        this.sandbox = sandbox;
        this.cgroups = cgroups;
        this.log = log;
    }

    Outcome run() throws StagingFailure, InterruptedException, IOException {
        Instant deadline = Instant.now().plus(settings.timeout());
        if (sandbox.switchesUser() && !settings.appUids().contains(request.appUid())) {
            throw new StagingFailure("refused: uid " + request.appUid() + " is outside this stager's app uid range "
                    + settings.appUids());
        }
        Files.createDirectories(settings.workDir());
        Path taskDir = Files.createTempDirectory(settings.workDir(), "task-");
        Files.setPosixFilePermissions(taskDir, PosixFilePermissions.fromString("rwx--x--x"));
        Optional<SandboxCgroup> cgroup = Optional.empty();
        try {
            Path app = taskDir.resolve("app");
            Path zip = taskDir.resolve("package.zip");
            log.step("Downloading the app package");
            blobs.download(request.packageUrl(), zip, settings.timeout());
            log.step("Unpacking the app package (" + Files.size(zip) / 1024 + " KB)");
            PackageUnpacker.unpack(zip, app);
            Files.delete(zip);

            AppManifest manifest = readManifest(app);
            Map<String, String> env = stagingEnvironment(app, taskDir.resolve("home"), manifest);
            // from here on the app's own code runs: as the app's uid, in its sandbox, owning only the app and its
            // home; the task directory stays the node's, so the droplet it writes there cannot be redirected
            Path home = Files.createDirectories(taskDir.resolve("home"));
            sandbox.handOver(app, request.appUid());
            sandbox.handOver(home, request.appUid());
            cgroup = cgroups.create(taskDir.getFileName().toString(),
                    StagerSettings.stagingMemoryMb(request.memoryMb()), PROCESS_LIMIT);
            CommandRunner runner = new CommandRunner(sandbox, new Sandbox.Launch(request.appUid(), "", env, app,
                    List.of(home), cgroup, FD_LIMIT, cgroups.limitsProcesses() ? 0 : PROCESS_LIMIT), deadline, log);
            runHooks("pre-staging", manifest.preStaging(), runner);

            DetectedRuntime runtime = new RuntimeDetector(settings.npmCommand(), settings.pipCommand())
                    .detect(app, manifest, request.buildpack(), request.command());
            log.step("Detected runtime: " + runtime.buildpack());
            for (DetectedRuntime.InstallStep step : runtime.installSteps()) {
                install(step, runner);
            }
            if (runtime.buildpack().equals("static")) {
                log.step("Adding the static file server");
                StaticServerJar.write(app);
            }
            runHooks("post-staging", manifest.postStaging(), runner);
            // nothing of the app may run while the node reads its files as root
            cgroup.ifPresent(SandboxCgroup::remove);

            Map<String, String> dropletEnv = new LinkedHashMap<>(manifest.env());
            dropletEnv.putAll(runtime.env());
            DropletBuilder.writeDescriptor(app, runtime.startCommand(), runtime.buildpack(), manifest.preRunning(),
                    dropletEnv);
            log.step("Building the droplet");
            DropletBuilder.Droplet droplet = DropletBuilder.build(app, taskDir.resolve("droplet.tar.gz"));
            log.step("Uploading the droplet (" + Files.size(droplet.file()) / 1024 + " KB)");
            blobs.upload(droplet.file(), request.dropletUrl(), settings.timeout());
            log.step("Staged: start command '" + runtime.startCommand() + "'");
            return new Outcome(droplet.sha256(), runtime.startCommand(), runtime.buildpack());
        } finally {
            cgroup.ifPresent(SandboxCgroup::remove);
            FileTrees.delete(taskDir);
        }
    }

    private AppManifest readManifest(Path app) throws StagingFailure, IOException {
        try {
            AppManifest manifest = ManifestParser.read(app).orElse(AppManifest.empty("stackato.yml"));
            if (ManifestParser.FILE_NAMES.stream().anyMatch(n -> Files.isRegularFile(app.resolve(n)))) {
                log.step("Read " + manifest.file());
            }
            if (!manifest.ubuntuRequirements().isEmpty()) {
                log.step("Not installing Ubuntu packages (" + String.join(", ", manifest.ubuntuRequirements())
                        + "): this stager installs npm and pip requirements only");
            }
            return manifest;
        } catch (ManifestException e) {
            throw new StagingFailure(e.getMessage(), e);
        }
    }

    /**
     * Hooks and installers see the app's own environment, as Stackato's do, and nothing of the node's
     * but PATH and LANG: they run code from the package and its dependencies, which must not read the
     * node's secrets from its environment. HOME is a directory of the task beside the app, so that npm's
     * and pip's caches stay out of the droplet and go with the task.
     */
    private Map<String, String> stagingEnvironment(Path app, Path home, AppManifest manifest) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LANG", System.getenv().getOrDefault("LANG", "C.UTF-8"));
        env.put("npm_config_cache", home.resolve(".npm").toString());
        env.put("PIP_CACHE_DIR", home.resolve(".cache/pip").toString());
        env.putAll(manifest.env());
        env.putAll(request.environment());
        env.put("HOME", home.toString());
        env.put("STACKATO_APP_ROOT", app.toString());
        env.put("STACKATO_APP_NAME", request.appName() == null ? "" : request.appName());
        env.put("STAGING", "true");
        env.put("PATH", app.resolve("node_modules/.bin") + ":" + System.getenv().getOrDefault("PATH",
                "/usr/local/bin:/usr/bin:/bin"));
        if (request.memoryMb() > 0) {
            env.put("MEMORY_LIMIT", request.memoryMb() + "m");
        }
        return env;
    }

    private void runHooks(String kind, List<String> hooks, CommandRunner runner)
            throws StagingFailure, InterruptedException {
        if (hooks.isEmpty()) {
            return;
        }
        log.step("Running " + kind + " hooks");
        for (String hook : hooks) {
            log.line(CommandRunner.INDENT + "$ " + hook);
            CommandRunner.Result result = runner.run(hook);
            if (result.exitStatus() != 0) {
                throw new StagingFailure(kind + " hook '" + hook + "' failed with exit status " + result.exitStatus());
            }
        }
    }

    private void install(DetectedRuntime.InstallStep step, CommandRunner runner)
            throws StagingFailure, InterruptedException {
        log.step(step.header());
        log.line(CommandRunner.INDENT + "$ " + step.command());
        CommandRunner.Result result = runner.run(step.command());
        if (result.exitStatus() == 127) {
            throw new StagingFailure(step.tool() + " is not installed on this stager (exit status 127 running '"
                    + step.command() + "'); install it or set " + step.tool() + "Command in io.strato.stager.cfg");
        }
        if (result.exitStatus() != 0) {
            if (step.tool().equals("pip") && result.tail().stream().anyMatch(l -> PIP_OFFLINE.matcher(l).find())) {
                throw new StagingFailure("pip could not reach a package index to install the Python requirements: "
                        + "make one reachable from the stager (PIP_INDEX_URL in the app's environment points pip "
                        + "at a mirror) or ship the packages inside the app");
            }
            String last = result.tail().stream().filter(l -> l.contains("ERR")).reduce((a, b) -> b)
                    .orElse(result.tail().isEmpty() ? "" : result.tail().get(result.tail().size() - 1));
            throw new StagingFailure(step.tool() + " install failed with exit status " + result.exitStatus()
                    + (last.isBlank() ? "" : ": " + last.trim()));
        }
    }
}
