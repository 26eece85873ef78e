package io.strato.role.controller.rest;

import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.Op;
import io.strato.api.app.InternalAuth;
import io.strato.api.cluster.ClusterSecret;
import io.strato.role.controller.apps.AppStore;
import io.strato.role.controller.blob.BlobStore;
import io.strato.role.controller.blob.BlobWriteException;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.StreamingOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

/**
 * The blob store for stagers and DEAs: packages to stage, droplets to store and to run. Every controller serves
 * every blob (they are in the database the controllers share). Only nodes of the cluster get in ({@link InternalAuth} with purpose {@value #PURPOSE}).
 */
@Path("/internal/v2")
public class BlobResource {

    public static final String PURPOSE = "blobstore";
    private static final Logger LOG = LoggerFactory.getLogger(BlobResource.class);

    private final AppStore apps;
    private final BlobStore blobs;
    private final ClusterSecret secret;

    public BlobResource(AppStore apps, BlobStore blobs, ClusterSecret secret) {
        this.apps = apps;
        this.blobs = blobs;
        this.secret = secret;
    }

    @GET
    @Allow(Op.PUBLIC)
    @Path("packages/{guid}")
    @Produces("application/zip")
    public Response downloadPackage(@HeaderParam(InternalAuth.HEADER) String auth, @PathParam("guid") String guid) {
        check(auth);
        apps.find(guid).orElseThrow(() -> CfException.appNotFound(guid));
        return blobs.packageOf(guid).map(b -> stream(b, "application/zip"))
                .orElseThrow(() -> CfException.appPackageNotFound(guid));
    }

    @PUT
    @Allow(Op.PUBLIC)
    @Path("droplets/{guid}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response uploadDroplet(@HeaderParam(InternalAuth.HEADER) String auth, @PathParam("guid") String guid,
                                  InputStream body) throws IOException {
        check(auth);
        apps.find(guid).orElseThrow(() -> CfException.appNotFound(guid));
        String hash;
        try {
            hash = blobs.storeDroplet(guid, body);
        } catch (BlobWriteException e) {
            LOG.error("A droplet for app {} could not be stored in the cluster database: {}", guid, e.getMessage());
            throw CfException.blobstoreUnavailable("the droplet could not be stored (" + e.getMessage()
                    + "); the app keeps its previous droplet");
        }
        return Response.status(Response.Status.CREATED).entity(Map.of("sha256", hash)).build();
    }

    @GET
    @Allow(Op.PUBLIC)
    @Path("droplets/{guid}/{hash}")
    @Produces("application/gzip")
    public Response downloadDroplet(@HeaderParam(InternalAuth.HEADER) String auth, @PathParam("guid") String guid,
                                    @PathParam("hash") String hash) {
        check(auth);
        return blobs.droplet(guid, hash).map(b -> stream(b, "application/gzip"))
                .orElseThrow(() -> CfException.notFound("The droplet could not be found: " + guid + "/" + hash));
    }

    /** The blob, streamed a chunk at a time, with its length so that a cut download is noticed. */
    private static Response stream(BlobStore.Blob blob, String type) {
        StreamingOutput body = out -> {
            try (InputStream in = blob.open()) {
                in.transferTo(out);
            }
        };
        return Response.ok(body, type).header(HttpHeaders.CONTENT_LENGTH, blob.size()).build();
    }

    private void check(String auth) {
        if (!InternalAuth.verify(secret.value(), PURPOSE, auth)) {
            throw CfException.invalidAuthToken();
        }
    }
}
