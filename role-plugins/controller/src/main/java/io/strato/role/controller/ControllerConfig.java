package io.strato.role.controller;

import io.strato.api.sandbox.UidRange;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code io.strato.controller} ({@code etc/io.strato.controller.cfg}). */
@ObjectClassDefinition(name = "Strato controller", description = "The Cloud Controller: REST API, blob store, staging, placement")
public @interface ControllerConfig {

    @AttributeDefinition(description = "Largest app upload (the zip as sent), in MB")
    int uploadMaxMb() default 1024;

    @AttributeDefinition(description = "Most entries an uploaded zip may have")
    int uploadMaxEntries() default 100000;

    @AttributeDefinition(description = "Most an uploaded zip may inflate to, in MB; 0 means ten times uploadMaxMb")
    int uploadMaxUncompressedMb() default 0;

    @AttributeDefinition(description = "Life of an access token, in minutes")
    int tokenTtlMinutes() default 720;

    @AttributeDefinition(description = "Most instances one app may ask for")
    int maxInstances() default 100;

    @AttributeDefinition(description = "The uids apps run as, one per app for the app's whole life, like 20000-29999,"
            + " within 1000-" + ControllerRole.HIGHEST_APP_UID + "; the DEAs' appUidRange must include it. When every"
            + " one belongs to an app, creating an app fails")
    String appUidRange() default "20000-29999";

    @AttributeDefinition(description = "Temporary files of uploads (packages, droplets and the resource-match cache"
            + " live in the database, which controllers share); empty means ${karaf.data}/strato/blobs")
    String blobDir() default "";

    @AttributeDefinition(description = "How clients and other nodes reach this controller, e.g. https://api.example.com;"
            + " empty means http://<node address>:<HTTP port>")
    String externalUrl() default "";

    @AttributeDefinition(description = "The port of the Doppler log endpoint Cloud Foundry clients stream app logs from"
            + " (a WebSocket) and read recent logs at; /v2/info names it. 0 takes a free port at each start")
    int dopplerPort() default 0;
}
