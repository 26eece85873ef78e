package io.strato.role.controller.rest;

import io.strato.role.controller.tenancy.Access;
import io.strato.role.controller.tenancy.Allow;
import io.strato.role.controller.tenancy.AuditLog;
import io.strato.role.controller.tenancy.Op;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;

/**
 * {@code /v2/events}: the audit trail and the apps' crashes, in Cloud Foundry v2's shape, newest first unless
 * {@code order-direction=asc}; {@code q=actee:<guid>} and {@code q=type:<type>} filter. A user sees the events
 * of the spaces it sees, and the organization-level events of the organizations it manages or audits.
 */
@Path("/v2/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventResource {

    private final AuditLog events;
    private final Lookup lookup;

    public EventResource(AuditLog events, Lookup lookup) {
        this.events = events;
        this.lookup = lookup;
    }

    @GET
    @Allow(Op.ANY_USER)
    public Map<String, Object> list(@Context UriInfo uri, @Context SecurityContext security) {
        return page(events, uri, lookup.tenancy().access(security), Shapes.filter(uri, "actee"));
    }

    @GET
    @Path("{guid}")
    @Allow(Op.SPACE_READ)
    public Map<String, Object> get(@PathParam("guid") String guid, @Context SecurityContext security) {
        Access access = lookup.tenancy().access(security);
        return events.find(guid).filter(access::sees).map(EventResource::event)
                .orElseThrow(() -> CfException.eventNotFound(guid));
    }

    /** {@code /v2/apps/:guid/events}: the same list for one app. */
    @Path("/v2/apps/{guid}/events")
    @Produces(MediaType.APPLICATION_JSON)
    public static class OfApp {
        private final AuditLog events;
        private final Lookup lookup;

        public OfApp(AuditLog events, Lookup lookup) {
            this.events = events;
            this.lookup = lookup;
        }

        @GET
        @Allow(Op.SPACE_READ)
        public Map<String, Object> list(@PathParam("guid") String guid, @Context UriInfo uri,
                                        @Context SecurityContext security) {
            Access access = lookup.tenancy().access(security);
            lookup.app(access, guid, Op.SPACE_READ);
            return page(events, uri, access, guid);
        }
    }

    private static Map<String, Object> page(AuditLog events, UriInfo uri, Access access, String actee) {
        Shapes.Paging paging = Shapes.Paging.of(uri);
        String type = Shapes.filter(uri, "type");
        boolean ascending = "asc".equalsIgnoreCase(uri.getQueryParameters().getFirst("order-direction"));
        AuditLog.Visible visible = access.events();
        List<AuditLog.Event> page = events.list(actee, type, visible, ascending, paging.offset(), paging.perPage());
        return Shapes.page(uri, paging, events.count(actee, type, visible), page, EventResource::event);
    }

    static Map<String, Object> event(AuditLog.Event e) {
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("type", e.type());
        entity.put("actor", e.actor());
        entity.put("actor_type", e.actorType());
        entity.put("actor_name", e.actorName());
        entity.put("actee", e.actee());
        entity.put("actee_type", e.acteeType());
        entity.put("actee_name", e.acteeName());
        entity.put("timestamp", Shapes.time(e.occurredAt()));
        entity.put("metadata", e.metadata());
        entity.put("space_guid", e.spaceGuid());
        entity.put("organization_guid", e.orgGuid());
        return Shapes.resource(e.guid(), "/v2/events/" + e.guid(), e.occurredAt(), e.occurredAt(), entity);
    }
}
