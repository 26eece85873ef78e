package io.strato.controller.rest;

import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.Context;
import io.strato.controller.tenancy.Op;
import io.strato.controller.tenancy.Allow;
import io.strato.controller.ControllerSettings;
import io.strato.controller.apps.App;
import io.strato.controller.apps.AppStore;
import io.strato.controller.apps.AppRuntime;
import io.strato.controller.apps.StagingDispatcher;
import io.strato.controller.blob.BitsReceiver;
import io.strato.controller.blob.BlobStore;
import io.strato.controller.blob.InvalidManifestException;
import io.strato.controller.blob.InvalidUploadException;
import io.strato.controller.blob.UploadTooLargeException;
import io.strato.controller.blob.UploadValidator;
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
 * {@code PUT /v2/apps/:guid/bits}: the app's zip. It is streamed to a temporary file, validated as a whole,
 * and only then moved over the previous package, so a refused or broken upload changes nothing.
 */
@Path("/v2/apps/{guid}/bits")
@Produces(MediaType.APPLICATION_JSON)
public class AppBitsResource {

    private final AppStore apps;
    private final Lookup lookup;
    private final BlobStore blobs;
    private final StagingDispatcher staging;
    private final ControllerSettings settings;
    private final UploadValidator validator;
    private final AppShapes shapes;

    public AppBitsResource(AppStore apps, Lookup lookup, BlobStore blobs, StagingDispatcher staging, AppRuntime runtime,
                           ControllerSettings settings) {
        this.apps = apps;
        this.lookup = lookup;
        this.blobs = blobs;
        this.staging = staging;
        this.settings = settings;
        this.validator = new UploadValidator(settings.uploadLimits());
        this.shapes = new AppShapes(runtime);
    }

    @PUT
    @Allow(Op.SPACE_WRITE)
    @Consumes(MediaType.WILDCARD)
    public Response upload(@PathParam("guid") String guid, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                           @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength, InputStream body,
                           @Context SecurityContext security) throws IOException {
        lookup.app(lookup.tenancy().access(security), guid, Op.SPACE_WRITE);
        long max = settings.uploadLimits().maxBytes();
        if (contentLength != null && parseLong(contentLength) > max) {
            throw CfException.bitsTooLarge(max / (1024 * 1024));
        }
        java.nio.file.Path temp = blobs.tempFile();
        try {
            new BitsReceiver(max).receive(body, contentType, temp);
            validator.validate(temp);
            String hash = BlobStore.sha256Hex(temp);
            blobs.storePackage(guid, temp);
            apps.packageStored(guid, hash);
        } catch (UploadTooLargeException e) {
            throw CfException.bitsTooLarge(max / (1024 * 1024));
        } catch (InvalidManifestException e) {
            throw CfException.appPackageInvalid(e.getMessage());
        } catch (InvalidUploadException e) {
            throw CfException.bitsUploadInvalid(e.getMessage());
        } finally {
            Files.deleteIfExists(temp);
        }
        App app = apps.find(guid).orElseThrow(() -> CfException.appNotFound(guid));
        Response.ResponseBuilder response = Response.status(Response.Status.CREATED);
        Optional<String> task = staging.stageIfNeeded(app);
        if (task.isPresent()) {
            response.header(AppResource.STAGING_LOG_HEADER, AppResource.stagingLogUrl(settings, guid, task.get()));
            app = apps.find(guid).orElse(app);
        }
        return response.entity(shapes.app(app, true)).build();
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
