package io.strato.controller.apps;

import io.strato.api.app.AppEvent;
import io.strato.api.app.Channels;
import io.strato.api.cluster.Registration;
import io.strato.api.cluster.SharedState;
import io.strato.api.json.Json;
import io.strato.controller.Sql;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apps' events (crashes) as {@code /v2/events} lists them: every {@link AppEvent} published on
 * {@link Channels#APP_EVENTS} is recorded once, whichever controllers receive it (they may share the database,
 * and a health manager may publish an event again). An app's events are deleted with the app (the table's
 * foreign key cascades), and events of apps the database does not have are ignored.
 */
public final class AppEventLog implements AutoCloseable {

    /** One recorded event, with the name and space of its app. */
    public record Recorded(AppEvent event, String appName, String spaceGuid) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(AppEventLog.class);
    private static final String SELECT = "SELECT e.guid, e.app_guid, e.type, e.occurred_at, e.instance_index,"
            + " e.instance_id, e.exit_status, e.reason, a.name, a.space_guid FROM ctl_app_events e"
            + " JOIN ctl_apps a ON a.guid = e.app_guid";

    private final Sql sql;
    private final Registration subscription;

    /** Records events as they are published; {@link #close} stops that. */
    public AppEventLog(Sql sql, SharedState shared) {
        this.sql = sql;
        this.subscription = shared.topic(Channels.APP_EVENTS).subscribe(this::received);
    }

    private void received(String message) {
        try {
            record(Json.read(message, AppEvent.class));
        } catch (RuntimeException e) {
            LOG.warn("app event not recorded: {}", e.toString());
        }
    }

    /** @return whether the event was new and its app known */
    public boolean record(AppEvent e) {
        if (sql.count("SELECT COUNT(*) FROM ctl_app_events WHERE guid = ?", e.guid()) > 0
                || sql.count("SELECT COUNT(*) FROM ctl_apps WHERE guid = ?", e.appGuid()) == 0) {
            return false;
        }
        try {
            return sql.update("INSERT INTO ctl_app_events (guid, app_guid, type, occurred_at, instance_index,"
                            + " instance_id, exit_status, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", e.guid(), e.appGuid(),
                    e.type(), e.timestamp(), e.index(), e.instanceId(), e.exitStatus(), truncate(e.reason())) > 0;
        } catch (Sql.DuplicateKeyException duplicate) {
            return false; // another controller recorded it meanwhile
        }
    }

    public java.util.Optional<Recorded> find(String guid) {
        return sql.one(SELECT + " WHERE e.guid = ?", AppEventLog::read, guid);
    }

    /** Events matching the filters (null: any), newest first unless {@code ascending}, one page of them. */
    public List<Recorded> list(String appGuid, String type, boolean ascending, int offset, int limit) {
        List<Object> params = new ArrayList<>(where(appGuid, type));
        params.add(offset);
        params.add(limit);
        String order = ascending ? " ORDER BY e.occurred_at, e.guid" : " ORDER BY e.occurred_at DESC, e.guid DESC";
        return sql.list(SELECT + whereClause(appGuid, type) + order + " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY",
                AppEventLog::read, params.toArray());
    }

    public int count(String appGuid, String type) {
        return sql.count("SELECT COUNT(*) FROM ctl_app_events e JOIN ctl_apps a ON a.guid = e.app_guid"
                + whereClause(appGuid, type), where(appGuid, type).toArray());
    }

    private static String whereClause(String appGuid, String type) {
        List<String> terms = new ArrayList<>();
        if (appGuid != null) {
            terms.add("e.app_guid = ?");
        }
        if (type != null) {
            terms.add("e.type = ?");
        }
        return terms.isEmpty() ? "" : " WHERE " + String.join(" AND ", terms);
    }

    private static List<Object> where(String appGuid, String type) {
        List<Object> params = new ArrayList<>();
        if (appGuid != null) {
            params.add(appGuid);
        }
        if (type != null) {
            params.add(type);
        }
        return params;
    }

    private static Recorded read(java.sql.ResultSet rs) throws java.sql.SQLException {
        int exit = rs.getInt("exit_status");
        Integer exitStatus = rs.wasNull() ? null : exit;
        AppEvent event = new AppEvent(rs.getString("guid"), rs.getString("app_guid"), rs.getString("type"),
                rs.getLong("occurred_at"), rs.getInt("instance_index"), rs.getString("instance_id"), exitStatus,
                rs.getString("reason"));
        return new Recorded(event, rs.getString("name"), rs.getString("space_guid"));
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 4096 ? s : s.substring(0, 4096);
    }

    @Override
    public void close() {
        subscription.close();
    }
}
