package io.strato.role.controller.tenancy;

import com.fasterxml.jackson.core.type.TypeReference;
import io.strato.api.json.Json;
import io.strato.role.controller.Sql;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail, as Cloud Foundry's {@code /v2/events} shows it: who created, changed or deleted which app,
 * space, organization, route, service instance or binding, and who gave or took which role, and when. Audit
 * events outlive what they name. The list also holds the apps' crash events (recorded by the apps' event
 * log, and deleted with their app), so one query pages through both.
 */
public final class AuditLog {

    /** One event in the list. */
    public record Event(String guid, String type, String actor, String actorType, String actorName, String actee,
                        String acteeType, String acteeName, String spaceGuid, String orgGuid, long occurredAt,
                        Map<String, Object> metadata) {
    }

    /** What an audit event is about. */
    public record Actee(String guid, String type, String name, String spaceGuid, String orgGuid) {
        public static Actee space(Space s) {
            return new Actee(s.guid(), "space", s.name(), s.guid(), s.orgGuid());
        }

        public static Actee organization(Organization o) {
            return new Actee(o.guid(), "organization", o.name(), null, o.guid());
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final String ALL = "SELECT * FROM ("
            + "SELECT e.guid, e.type, e.app_guid AS actor, 'app' AS actor_type, a.name AS actor_name,"
            + " e.app_guid AS actee, 'app' AS actee_type, a.name AS actee_name, a.space_guid, s.org_guid,"
            + " e.occurred_at, CAST(NULL AS VARCHAR(32672)) AS metadata_json, e.instance_index AS instance_index,"
            + " e.instance_id AS instance_id, e.exit_status AS exit_status, e.reason AS reason FROM ctl_app_events e JOIN ctl_apps a ON a.guid = e.app_guid"
            + " JOIN ctl_spaces s ON s.guid = a.space_guid"
            + " UNION ALL SELECT guid, type, actor, actor_type, actor_name, actee, actee_type, actee_name, space_guid,"
            + " org_guid, occurred_at, metadata_json, CAST(NULL AS INT) AS instance_index,"
            + " CAST(NULL AS VARCHAR(255)) AS instance_id, CAST(NULL AS INT) AS exit_status,"
            + " CAST(NULL AS VARCHAR(4096)) AS reason FROM ctl_events) ev";

    private final Sql sql;

    public AuditLog(Sql sql) {
        this.sql = sql;
    }

    /** Records that {@code actor} did {@code type} (e.g. {@code audit.app.create}) to {@code actee}. */
    public void record(String type, Caller actor, Actee actee, Map<String, Object> metadata) {
        try {
            sql.update("INSERT INTO ctl_events (guid, type, actor, actor_type, actor_name, actee, actee_type, actee_name,"
                            + " space_guid, org_guid, occurred_at, metadata_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    UUID.randomUUID().toString(), type, actor.userGuid(), "user", actor.name(), actee.guid(), actee.type(),
                    actee.name(), actee.spaceGuid(), actee.orgGuid(), System.currentTimeMillis(),
                    Json.write(metadata == null ? Map.of() : metadata));
        } catch (RuntimeException e) {
            // the change itself is done; losing its audit line must not turn it into an error for the client
            LOG.warn("audit event {} about {} {} not recorded: {}", type, actee.type(), actee.guid(), e.toString());
        }
    }

    /** What a list may show: everything (both null), or events of these spaces and of these organizations' own. */
    public record Visible(Set<String> spaces, Set<String> orgs) {
        static final Visible ALL = new Visible(null, null);
    }

    /** Events matching the filters (null: any), newest first unless {@code ascending}, one page of them. */
    public List<Event> list(String actee, String type, Visible visible, boolean ascending, int offset, int limit) {
        Where where = where(actee, type, visible);
        if (where == null) {
            return List.of();
        }
        String order = ascending ? " ORDER BY occurred_at, guid" : " ORDER BY occurred_at DESC, guid DESC";
        return sql.list(ALL + where.sql() + order + " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY", AuditLog::read,
                where.params(offset, limit));
    }

    public int count(String actee, String type, Visible visible) {
        Where where = where(actee, type, visible);
        return where == null ? 0 : sql.count("SELECT COUNT(*) FROM (" + ALL + where.sql() + ") c", where.params());
    }

    public Optional<Event> find(String guid) {
        return sql.one(ALL + " WHERE guid = ?", AuditLog::read, guid);
    }

    private static Where where(String actee, String type, Visible visible) {
        Where where = new Where().eq("actee", actee).eq("type", type);
        if (visible.spaces() != null) {
            String spaces = visible.spaces().isEmpty() ? "1 = 0"
                    : "space_guid IN (" + String.join(", ", java.util.Collections.nCopies(visible.spaces().size(), "?")) + ")";
            String orgs = visible.orgs().isEmpty() ? "1 = 0"
                    : "(space_guid IS NULL AND org_guid IN ("
                    + String.join(", ", java.util.Collections.nCopies(visible.orgs().size(), "?")) + "))";
            if (visible.spaces().isEmpty() && visible.orgs().isEmpty()) {
                return null;
            }
            java.util.List<Object> params = new java.util.ArrayList<>(visible.spaces());
            params.addAll(visible.orgs());
            where.raw("(" + spaces + " OR " + orgs + ")", params.toArray());
        }
        return where;
    }

    private static Event read(ResultSet rs) throws SQLException {
        Map<String, Object> metadata;
        String json = rs.getString("metadata_json");
        if (json != null) {
            metadata = parse(json);
        } else {
            // a crash, in the shape Cloud Foundry gives app.crash events
            int exit = rs.getInt("exit_status");
            Integer exitStatus = rs.wasNull() ? null : exit;
            metadata = new LinkedHashMap<>();
            metadata.put("instance", rs.getString("instance_id"));
            metadata.put("index", rs.getInt("instance_index"));
            metadata.put("exit_status", exitStatus);
            metadata.put("exit_description", rs.getString("reason"));
            metadata.put("reason", "CRASHED");
        }
        return new Event(rs.getString("guid"), rs.getString("type"), rs.getString("actor"), rs.getString("actor_type"),
                rs.getString("actor_name"), rs.getString("actee"), rs.getString("actee_type"),
                rs.getString("actee_name"), rs.getString("space_guid"), rs.getString("org_guid"),
                rs.getLong("occurred_at"), metadata);
    }

    private static Map<String, Object> parse(String json) {
        try {
            return Json.mapper().readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            return Map.of();
        }
    }
}
