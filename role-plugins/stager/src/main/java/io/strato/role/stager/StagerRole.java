package io.strato.role.stager;

import io.strato.api.app.Channels;
import io.strato.api.app.StagerAdvertisement;
import io.strato.api.app.StagingEvent;
import io.strato.api.app.StagingRequest;
import io.strato.api.cluster.ClusterSecret;
import io.strato.api.cluster.ClusterView;
import io.strato.api.cluster.Registration;
import io.strato.api.cluster.SharedState;
import io.strato.api.cluster.Topic;
import io.strato.api.files.FileTrees;
import io.strato.api.json.Json;
import io.strato.api.role.Role;
import io.strato.api.sandbox.Sandbox;
import io.strato.api.sandbox.SandboxCgroups;
import io.strato.api.sandbox.UidRange;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The stager role: advertises this node as a stager, takes the staging requests addressed to it and
 * stages them, at most {@code maxConcurrent} at a time, streaming each task's log on
 * {@link Channels#STAGING_EVENTS}.
 */
@Component(service = Role.class, configurationPid = "io.strato.stager", immediate = true)
@Designate(ocd = StagerRole.Config.class)
public final class StagerRole implements Role {

    @ObjectClassDefinition(name = "Strato stager", description = "Turns uploaded app packages into droplets")
    public @interface Config {
        @AttributeDefinition(description = "Directory for staging tasks; empty means ${karaf.data}/strato/stager")
        String workDir() default "";

        @AttributeDefinition(description = "Apps staged at the same time; more wait in line")
        int maxConcurrent() default 2;

        @AttributeDefinition(description = "The npm executable used to install Node.js dependencies")
        String npmCommand() default "npm";

        @AttributeDefinition(description = "The pip executable used to install Python requirements")
        String pipCommand() default "pip3";

        @AttributeDefinition(description = "Seconds a staging task may take before it fails")
        int stagingTimeoutSeconds() default 900;

        @AttributeDefinition(description = "Uids staging may run as (each app its own, given by the controller); "
                + "requests for other uids are refused. Used when the node runs as root")
        String appUidRange() default "20000-29999";
    }

    private static final Logger LOG = LoggerFactory.getLogger(StagerRole.class);

    private final SharedState state;
    private final ClusterView cluster;
    private final StagerSettings settings;
    private final String stagerId;
    private final BlobClient blobs;
    private final Sandbox sandbox;
    private final SandboxCgroups cgroups;
    private final Topic events;
    private final ExecutorService workers;
    private final ScheduledExecutorService advertiser;
    private final Map<String, StagingRequest> tasks = new ConcurrentHashMap<>();
    private final Registration subscription;

    @Activate
    public StagerRole(@Reference(name = "sharedState") SharedState state,
                      @Reference(name = "clusterView") ClusterView cluster,
                      @Reference(name = "clusterSecret") ClusterSecret secret,
                      Config config) {
        this(state, cluster, secret, settings(config));
    }

    StagerRole(SharedState state, ClusterView cluster, ClusterSecret secret, StagerSettings settings) {
        this.state = state;
        this.cluster = cluster;
        this.settings = settings;
        this.stagerId = cluster.localNode().id();
        this.blobs = new BlobClient(secret::value, state.map(Channels.BLOBSTORE)::entries, stagerId);
        this.events = state.topic(Channels.STAGING_EVENTS);
        this.cgroups = SandboxCgroups.detect("stager", stagerId);
        cgroups.removeLeftovers();
        removeLeftovers(settings.workDir());
        this.sandbox = Sandbox.detect(settings.appUids(), "stager " + cluster.localNode().name());
        try {
            Path data = Path.of(System.getProperty("karaf.data", settings.workDir().toString())).toAbsolutePath().normalize();
            Path work = settings.workDir().toAbsolutePath().normalize();
            sandbox.openPath(work.startsWith(data) ? data : work, work);
        } catch (IOException e) {
            cgroups.close();
            throw new java.io.UncheckedIOException("cannot prepare the staging directory " + settings.workDir()
                    + " for staging tasks: " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(settings.maxConcurrent(), r -> {
            Thread t = new Thread(r, "strato-stager-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.advertiser = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strato-stager-advertiser");
            t.setDaemon(true);
            return t;
        });
        long period = Channels.OWNED_TTL.toMillis() / 3;
        advertise();
        advertiser.scheduleAtFixedRate(this::advertise, period, period, TimeUnit.MILLISECONDS);
        this.subscription = state.topic(Channels.STAGING_REQUESTS).subscribe(this::onRequest);
        LOG.info("Stager {} ready: work dir {}, {} app(s) at a time", stagerId, settings.workDir(),
                settings.maxConcurrent());
    }

    @Override
    public String name() {
        return "stager";
    }

    @Override
    public String description() {
        return "Stages uploaded apps into droplets (Node.js, Python, Java, static, generic)";
    }

    @Deactivate
    public void deactivate() {
        subscription.close();
        advertiser.shutdownNow();
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(15, TimeUnit.SECONDS)) {
                LOG.warn("Some staging tasks did not stop within 15 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // not failed: the controller sends these tasks to another stager
        tasks.values().forEach(r -> publish(r, StagingEvent.abandoned(r.taskId(), r.appGuid(),
                "the stager stopped before staging this app")));
        tasks.clear();
        cgroups.close();
        state.map(Channels.STAGER_ADVERTISEMENTS).remove(stagerId);
        LOG.info("Stager {} stopped", stagerId);
    }

    private void advertise() {
        try {
            StagerAdvertisement ad = new StagerAdvertisement(stagerId, cluster.localNode().name(), tasks.size());
            state.map(Channels.STAGER_ADVERTISEMENTS).put(stagerId, Json.write(ad), Channels.OWNED_TTL);
        } catch (RuntimeException e) {
            LOG.warn("Could not advertise this stager to the cluster: {}", e.getMessage());
        }
    }

    private void onRequest(String message) {
        StagingRequest request;
        try {
            request = Json.read(message, StagingRequest.class);
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring a staging request that cannot be read: {}", e.getMessage());
            return;
        }
        if (!stagerId.equals(request.stagerId()) || tasks.putIfAbsent(request.taskId(), request) != null) {
            return;
        }
        LOG.info("Staging app {} ({}), task {}", request.appName(), request.appGuid(), request.taskId());
        advertise();
        try {
            workers.execute(() -> stage(request));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            tasks.remove(request.taskId());
            publish(request, StagingEvent.abandoned(request.taskId(), request.appGuid(), "the stager is stopping"));
        }
    }

    private void stage(StagingRequest request) {
        StagingOutput log = line -> publish(request, StagingEvent.log(request.taskId(), request.appGuid(), line));
        StagingEvent outcome;
        try {
            StagingTask.Outcome done = new StagingTask(request, settings, blobs, sandbox, cgroups, log).run();
            outcome = StagingEvent.succeeded(request.taskId(), request.appGuid(), done.dropletSha256(),
                    done.startCommand(), done.buildpack());
            LOG.info("Staged app {} ({}) as {}", request.appName(), request.appGuid(), done.buildpack());
        } catch (StagingFailure e) {
            log.line("-----> Staging failed: " + e.getMessage());
            outcome = StagingEvent.failed(request.taskId(), request.appGuid(), e.getMessage());
            LOG.info("Staging app {} ({}) failed: {}", request.appName(), request.appGuid(), e.getMessage());
        } catch (InterruptedException e) {
            outcome = StagingEvent.abandoned(request.taskId(), request.appGuid(), "the stager stopped while staging");
        } catch (IOException | RuntimeException e) {
            LOG.warn("Staging app {} ({}) failed", request.appName(), request.appGuid(), e);
            outcome = StagingEvent.failed(request.taskId(), request.appGuid(), "staging failed on the stager: " + e);
        }
        tasks.remove(request.taskId());
        publish(request, outcome);
        advertise();
    }

    /** Publishes an event of the request's attempt, so the controller can tell it from an earlier attempt's. */
    private void publish(StagingRequest request, StagingEvent event) {
        events.publish(Json.write(event.ofAttempt(request.attempt())));
    }

    private static StagerSettings settings(Config config) {
        Path workDir = config.workDir() == null || config.workDir().isBlank()
                ? Path.of(System.getProperty("karaf.data", System.getProperty("java.io.tmpdir")), "strato", "stager")
                : Path.of(config.workDir());
        return new StagerSettings(workDir, config.maxConcurrent(), config.npmCommand(), config.pipCommand(),
                Duration.ofSeconds(config.stagingTimeoutSeconds()), UidRange.parse(config.appUidRange()));
    }

    /** Task directories of a stager that was killed mid-task. */
    private static void removeLeftovers(Path workDir) {
        if (!Files.isDirectory(workDir)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(workDir)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("task-")).toList()) {
                FileTrees.delete(dir);
            }
        } catch (IOException e) {
            LOG.warn("Could not clean the stager work dir {}: {}", workDir, e.getMessage());
        }
    }
}
