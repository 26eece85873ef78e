package io.strato.role.controller.rest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.Context;
import io.strato.role.controller.tenancy.Op;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.ControllerSettings;
import io.strato.role.controller.apps.App;
import io.strato.role.controller.apps.AppStore;
import io.strato.role.controller.apps.AppRuntime;
import io.strato.role.controller.apps.StagingDispatcher;
import io.strato.role.controller.blob.BitsReceiver;
import io.strato.role.controller.blob.BlobStore;
import io.strato.role.controller.blob.BlobWriteException;
import com.fasterxml.jackson.databind.JsonNode;
import io.strato.role.controller.blob.InvalidManifestException;
import io.strato.role.controller.blob.PackageAssembler;
import io.strato.role.controller.blob.ResourceCache;
import io.strato.role.controller.jobs.JobStore;
import io.strato.role.controller.tenancy.Access;
import java.util.ArrayList;
import java.util.List;
import javax.ws.rs.QueryParam;
import io.strato.role.controller.blob.InvalidUploadException;
import io.strato.role.controller.blob.UploadTooLargeException;
import io.strato.role.controller.blob.UploadValidator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Optional;
import javax.ws.rs.Consumes;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/**
 * {@code PUT /v2/apps/:guid/bits}: the app's zip. It is streamed to a temporary file, completed with the files the
 * client left out (resource matching), validated as a whole, and only then moved over the previous package, so a
 * refused or broken upload changes nothing.
 */
@Path("/v2/apps/{guid}/bits")
@Produces(MediaType.APPLICATION_JSON)
public class AppBitsResource {

    private static final Logger LOG = LoggerFactory.getLogger(AppBitsResource.class);

    private final AppStore apps;
    private final Lookup lookup;
    private final BlobStore blobs;
    private final StagingDispatcher staging;
    private final ControllerSettings settings;
    private final UploadValidator validator;
    private final AppShapes shapes;
    private final PackageAssembler assembler;
    private final JobStore jobs;

    public AppBitsResource(AppStore apps, Lookup lookup, BlobStore blobs, StagingDispatcher staging, AppRuntime runtime,
                           ControllerSettings settings, ResourceCache resources, JobStore jobs) {
        this.apps = apps;
        this.lookup = lookup;
        this.blobs = blobs;
        this.staging = staging;
        this.settings = settings;
        this.validator = new UploadValidator(settings.uploadLimits());
        this.shapes = new AppShapes(runtime);
        this.assembler = new PackageAssembler(resources, settings.uploadLimits());
        this.jobs = jobs;
    }

    /**
     * Stores new bits. The files the client left out because the controller has them ({@code resources}) are
     * taken from the caller's resource cache; the larger files of the stored package go into it. With
     * {@code async=true} the answer is a finished job, as Cloud Foundry clients expect.
     */
    @PUT
    @Allow(Op.SPACE_WRITE)
    @Consumes(MediaType.WILDCARD)
    public Response upload(@PathParam("guid") String guid, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                           @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
                           @QueryParam("async") boolean async, InputStream body,
                           @Context SecurityContext security) throws IOException {
        Access access = lookup.tenancy().access(security);
        Lookup.In<App> found = lookup.app(access, guid, Op.SPACE_WRITE);
        String user = access.caller().userGuid();
        long max = settings.uploadLimits().maxBytes();
        if (contentLength != null && parseLong(contentLength) > max) {
            throw CfException.bitsTooLarge(max / (1024 * 1024));
        }
        java.nio.file.Path temp = blobs.tempFile();
        java.nio.file.Path assembled = null;
        try {
            String resources = new BitsReceiver(max).receive(body, contentType, temp);
            List<PackageAssembler.Matched> matched = matched(resources);
            java.nio.file.Path pkg = temp;
            if (!matched.isEmpty() || (resources != null && Files.size(temp) == 0)) {
                assembled = blobs.tempFile();
                assembler.assemble(temp, matched, user, assembled);
                pkg = assembled;
            }
            validator.validate(pkg);
            String hash = BlobStore.sha256Hex(pkg);
            keepResources(pkg, user);
            blobs.storePackage(guid, pkg);
            apps.packageStored(guid, hash);
        } catch (BlobWriteException e) {
            LOG.error("An upload for app {} could not be stored: {} (temporary files in {}, blobs in the cluster"
                    + " database); free space there", guid, e.getMessage(), blobs.tempDirectory());
            throw CfException.blobstoreUnavailable("the controller's blob store could not take the upload ("
                    + e.getMessage() + "); nothing was changed, the app keeps its previous bits");
        } catch (UploadTooLargeException e) {
            throw CfException.bitsTooLarge(max / (1024 * 1024));
        } catch (InvalidManifestException e) {
            throw CfException.appPackageInvalid(e.getMessage());
        } catch (InvalidUploadException e) {
            throw CfException.bitsUploadInvalid(e.getMessage());
        } finally {
            Files.deleteIfExists(temp);
            if (assembled != null) {
                Files.deleteIfExists(assembled);
            }
        }
        App app = apps.find(guid).orElseThrow(() -> CfException.appNotFound(guid));
        Optional<String> task = staging.stageIfNeeded(app);
        Response.ResponseBuilder response;
        if (async) {
            response = Response.status(Response.Status.CREATED).entity(JobResource.shape(jobs.finished(found.space().guid())));
        } else {
            response = Response.status(Response.Status.CREATED);
        }
        if (task.isPresent()) {
            response.header(AppResource.STAGING_LOG_HEADER, AppResource.stagingLogUrl(settings, guid, task.get()));
            app = apps.find(guid).orElse(app);
        }
        return async ? response.build() : response.entity(shapes.app(app, true)).build();
    }

    /** Resource matching is a saving, not a need: a package that cannot be cached (a full disk) is still stored. */
    private void keepResources(java.nio.file.Path pkg, String user) {
        try {
            assembler.keepResources(pkg, user);
        } catch (IOException e) {
            LOG.warn("Could not keep the files of an upload for resource matching: {}", e.getMessage());
        }
    }

    /** The {@code resources} part: {@code [{fn, sha1, size, mode}]}, the files left out of the zip. */
    private List<PackageAssembler.Matched> matched(String resources) throws InvalidUploadException {
        if (resources == null) {
            return List.of();
        }
        List<PackageAssembler.Matched> out = new ArrayList<>();
        for (JsonNode r : ResourceMatchResource.resources(resources, settings.uploadLimits().maxEntries())) {
            String fn = r.path("fn").asText("");
            String sha1 = r.path("sha1").asText("");
            if (fn.isEmpty() || sha1.isEmpty()) {
                throw new InvalidUploadException("every resource needs fn and sha1");
            }
            out.add(new PackageAssembler.Matched(fn, sha1, mode(r.path("mode").asText("644"))));
        }
        return out;
    }

    private static int mode(String octal) throws InvalidUploadException {
        try {
            return Integer.parseInt(octal.trim(), 8);
        } catch (NumberFormatException e) {
            throw new InvalidUploadException("a resource's mode must be octal, like 644: " + octal);
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
