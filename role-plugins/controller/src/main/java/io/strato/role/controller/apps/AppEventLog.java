package io.strato.role.controller.apps;

import io.strato.api.app.AppEvent;
import io.strato.api.app.Channels;
import io.strato.api.cluster.Registration;
import io.strato.api.cluster.SharedState;
import io.strato.api.json.Json;
import io.strato.role.controller.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apps' crash events, which {@code /v2/events} lists with the audit events: every {@link AppEvent} published on
 * {@link Channels#APP_EVENTS} is recorded once, whichever controllers receive it (they may share the database,
 * and a health manager may publish an event again). An app's events are deleted with the app (the table's
 * foreign key cascades), and events of apps the database does not have are ignored.
 */
public final class AppEventLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AppEventLog.class);

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

    private static String truncate(String s) {
        return s == null || s.length() <= 4096 ? s : s.substring(0, 4096);
    }

    @Override
    public void close() {
        subscription.close();
    }
}
