package io.strato.controller.rest;

import io.strato.controller.tenancy.Allow;
import io.strato.controller.tenancy.Op;
import io.strato.api.app.InternalAuth;
import io.strato.api.cluster.ClusterSecret;
import io.strato.controller.apps.AppStore;
import io.strato.controller.blob.BlobStore;
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
 * The blob store for stagers and DEAs: packages to stage, droplets to store and to run. Only nodes of the
 * cluster get in ({@link InternalAuth} with purpose {@value #PURPOSE}).
 */
@Path("/internal/v2")
public class BlobResource {

    public static final String PURPOSE = "blobstore";

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
        return blobs.packageOf(guid).map(p -> Response.ok(p.toFile(), "application/zip").build())
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
        String hash = blobs.storeDroplet(guid, body);
        return Response.status(Response.Status.CREATED).entity(Map.of("sha256", hash)).build();
    }

    @GET
    @Allow(Op.PUBLIC)
    @Path("droplets/{guid}/{hash}")
    @Produces("application/gzip")
    public Response downloadDroplet(@HeaderParam(InternalAuth.HEADER) String auth, @PathParam("guid") String guid,
                                    @PathParam("hash") String hash) {
        check(auth);
        return blobs.droplet(guid, hash).map(p -> Response.ok(p.toFile(), "application/gzip").build())
                .orElseThrow(() -> CfException.notFound("The droplet could not be found: " + guid + "/" + hash));
    }

    private void check(String auth) {
        if (!InternalAuth.verify(secret.value(), PURPOSE, auth)) {
            throw CfException.invalidAuthToken();
        }
    }
}
