package io.strato.controller.rest;

import io.strato.api.app.AppEvent;
import io.strato.controller.ControllerSchema;
import io.strato.controller.apps.AppEventLog;
import io.strato.controller.apps.AppStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.UriInfo;

/**
 * {@code /v2/events}: what happened to apps (crashes), in Cloud Foundry v2's shape, newest first unless
 * {@code order-direction=asc}; {@code q=actee:<app guid>} and {@code q=type:<type>} filter.
 */
@Path("/v2/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventResource {

    private final AppEventLog events;

    public EventResource(AppEventLog events) {
        this.events = events;
    }

    @GET
    public Map<String, Object> list(@Context UriInfo uri) {
        return page(events, uri, Shapes.filter(uri, "actee"));
    }

    @GET
    @Path("{guid}")
    public Map<String, Object> get(@PathParam("guid") String guid) {
        return events.find(guid).map(EventResource::event)
                .orElseThrow(() -> CfException.notFound("The event could not be found: " + guid));
    }

    /** {@code /v2/apps/:guid/events}: the same list for one app. */
    @Path("/v2/apps/{guid}/events")
    @Produces(MediaType.APPLICATION_JSON)
    public static class OfApp {
        private final AppEventLog events;
        private final AppStore apps;

        public OfApp(AppEventLog events, AppStore apps) {
            this.events = events;
            this.apps = apps;
        }

        @GET
        public Map<String, Object> list(@PathParam("guid") String guid, @Context UriInfo uri) {
            apps.find(guid).orElseThrow(() -> CfException.appNotFound(guid));
            return page(events, uri, guid);
        }
    }

    private static Map<String, Object> page(AppEventLog events, UriInfo uri, String appGuid) {
        Shapes.Paging paging = Shapes.Paging.of(uri);
        String type = Shapes.filter(uri, "type");
        boolean ascending = "asc".equalsIgnoreCase(uri.getQueryParameters().getFirst("order-direction"));
        List<AppEventLog.Recorded> page = events.list(appGuid, type, ascending, paging.offset(), paging.perPage());
        return Shapes.page(uri, paging, events.count(appGuid, type), page, EventResource::event);
    }

    static Map<String, Object> event(AppEventLog.Recorded r) {
        AppEvent e = r.event();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("instance", e.instanceId());
        metadata.put("index", e.index());
        metadata.put("exit_status", e.exitStatus());
        metadata.put("exit_description", e.reason());
        metadata.put("reason", AppEvent.CRASH.equals(e.type()) ? "CRASHED" : null);
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("type", e.type());
        entity.put("actor", e.appGuid());
        entity.put("actor_type", "app");
        entity.put("actor_name", r.appName());
        entity.put("actee", e.appGuid());
        entity.put("actee_type", "app");
        entity.put("actee_name", r.appName());
        entity.put("timestamp", Shapes.time(e.timestamp()));
        entity.put("metadata", metadata);
        entity.put("space_guid", r.spaceGuid());
        entity.put("organization_guid", ControllerSchema.DEFAULT_ORG_GUID);
        return Shapes.resource(e.guid(), "/v2/events/" + e.guid(), e.timestamp(), e.timestamp(), entity);
    }
}
