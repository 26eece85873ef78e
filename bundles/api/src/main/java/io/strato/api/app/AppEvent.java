package io.strato.api.app;

import java.util.Objects;

/**
 * Something that happened to an app, as Cloud Foundry's {@code /v2/events} reports it; published on
 * {@link Channels#APP_EVENTS} and recorded by the controller.
 *
 * @param guid       unique id of the event
 * @param appGuid    the app
 * @param type       {@value #CRASH} (an instance exited on its own)
 * @param timestamp  when (epoch millis)
 * @param index      instance index
 * @param instanceId the instance
 * @param exitStatus its exit status, or null when unknown
 * @param reason     what happened, in words
 */
public record AppEvent(String guid, String appGuid, String type, long timestamp, int index, String instanceId,
                       Integer exitStatus, String reason) {

    public static final String CRASH = "app.crash";

    public AppEvent {
        Objects.requireNonNull(guid, "guid");
        Objects.requireNonNull(appGuid, "appGuid");
        Objects.requireNonNull(type, "type");
    }
}
