package io.strato.controller;

import io.strato.api.store.Database;
import io.strato.api.store.StoreException;
import java.util.List;

/**
 * The controller's tables. Statement {@code i} is schema version {@code i + 1}: only ever append, never
 * edit a statement that has shipped. Times are epoch milliseconds.
 */
public final class ControllerSchema {

    public static final String COMPONENT = "controller";

    /** The organization and space every app lives in until orgs and spaces can be managed. */
    public static final String DEFAULT_ORG_GUID = "6d0a1b8e-6a47-4f43-9d3e-0c5a4a3f0d01";
    public static final String DEFAULT_SPACE_GUID = "1f6c2d57-8b7e-4b8f-a3f1-7a5d2e9c0d02";

    /** A literal rather than a clock function, so the statements stay portable across databases. */
    private static final long DEFAULTS_CREATED_AT = 1_764_000_000_000L;

    static final List<String> STATEMENTS = List.of(
            "CREATE TABLE ctl_users (name VARCHAR(255) NOT NULL PRIMARY KEY, password_hash VARCHAR(512) NOT NULL,"
                    + " admin BOOLEAN NOT NULL, created_at BIGINT NOT NULL)",
            "CREATE TABLE ctl_organizations (guid VARCHAR(36) NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL UNIQUE,"
                    + " created_at BIGINT NOT NULL)",
            "CREATE TABLE ctl_spaces (guid VARCHAR(36) NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL,"
                    + " org_guid VARCHAR(36) NOT NULL REFERENCES ctl_organizations(guid), created_at BIGINT NOT NULL,"
                    + " UNIQUE (org_guid, name))",
            "INSERT INTO ctl_organizations (guid, name, created_at) VALUES ('" + DEFAULT_ORG_GUID + "', 'default', "
                    + DEFAULTS_CREATED_AT + ")",
            "INSERT INTO ctl_spaces (guid, name, org_guid, created_at) VALUES ('" + DEFAULT_SPACE_GUID + "', 'default', '"
                    + DEFAULT_ORG_GUID + "', "
                    + DEFAULTS_CREATED_AT + ")",
            "CREATE TABLE ctl_apps (guid VARCHAR(36) NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL,"
                    + " space_guid VARCHAR(36) NOT NULL REFERENCES ctl_spaces(guid), memory INT NOT NULL,"
                    + " instances INT NOT NULL, disk_quota INT NOT NULL, state VARCHAR(16) NOT NULL,"
                    + " command VARCHAR(4096), buildpack VARCHAR(1024), environment_json VARCHAR(32672) NOT NULL,"
                    + " package_hash VARCHAR(64), package_updated_at BIGINT NOT NULL, package_state VARCHAR(16) NOT NULL,"
                    + " staging_task_id VARCHAR(36), staging_failed_reason VARCHAR(4096), droplet_hash VARCHAR(64),"
                    + " droplet_package_hash VARCHAR(64), detected_start_command VARCHAR(4096),"
                    + " detected_buildpack VARCHAR(1024), version VARCHAR(36) NOT NULL, created_at BIGINT NOT NULL,"
                    + " updated_at BIGINT NOT NULL, UNIQUE (space_guid, name))",
            "CREATE TABLE ctl_routes (guid VARCHAR(36) NOT NULL PRIMARY KEY, host VARCHAR(63) NOT NULL,"
                    + " domain_guid VARCHAR(36) NOT NULL, domain_name VARCHAR(253) NOT NULL,"
                    + " space_guid VARCHAR(36) NOT NULL REFERENCES ctl_spaces(guid), created_at BIGINT NOT NULL,"
                    + " UNIQUE (host, domain_guid))",
            "CREATE TABLE ctl_app_routes (app_guid VARCHAR(36) NOT NULL REFERENCES ctl_apps(guid) ON DELETE CASCADE,"
                    + " route_guid VARCHAR(36) NOT NULL REFERENCES ctl_routes(guid) ON DELETE CASCADE,"
                    + " PRIMARY KEY (app_guid, route_guid))",
            "CREATE TABLE ctl_service_instances (guid VARCHAR(36) NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL,"
                    + " space_guid VARCHAR(36) NOT NULL REFERENCES ctl_spaces(guid), label VARCHAR(64) NOT NULL,"
                    + " plan VARCHAR(255) NOT NULL, tags VARCHAR(4096) NOT NULL, node_id VARCHAR(255) NOT NULL,"
                    + " broker_url VARCHAR(1024) NOT NULL, created_at BIGINT NOT NULL, UNIQUE (space_guid, name))",
            "CREATE TABLE ctl_service_bindings (guid VARCHAR(36) NOT NULL PRIMARY KEY,"
                    + " instance_guid VARCHAR(36) NOT NULL REFERENCES ctl_service_instances(guid),"
                    + " app_guid VARCHAR(36) NOT NULL REFERENCES ctl_apps(guid) ON DELETE CASCADE,"
                    + " credentials VARCHAR(32672) NOT NULL, created_at BIGINT NOT NULL, UNIQUE (instance_guid, app_guid))",
            "CREATE TABLE ctl_app_events (guid VARCHAR(255) NOT NULL PRIMARY KEY,"
                    + " app_guid VARCHAR(36) NOT NULL REFERENCES ctl_apps(guid) ON DELETE CASCADE,"
                    + " type VARCHAR(64) NOT NULL, occurred_at BIGINT NOT NULL, instance_index INT NOT NULL,"
                    + " instance_id VARCHAR(255), exit_status INT, reason VARCHAR(4096))",
            "CREATE INDEX ctl_app_events_by_app ON ctl_app_events (app_guid, occurred_at)",
            // the uid an app's code runs as: NULL until the controller gives it one (apps older than uids get
            // theirs when a controller starts); unique, so two controllers never give one uid to two apps
            "ALTER TABLE ctl_apps ADD COLUMN app_uid INT",
            "ALTER TABLE ctl_apps ADD CONSTRAINT ctl_apps_app_uid_unique UNIQUE (app_uid)",
            // the highest app uid ever handed out: uids above it have never run anything
            "CREATE TABLE ctl_app_uid_mark (id INT NOT NULL PRIMARY KEY, highest_issued INT NOT NULL)",
            "INSERT INTO ctl_app_uid_mark (id, highest_issued) VALUES (1, 0)");

    private ControllerSchema() {
    }

    /** Brings the schema up to date; safe to call from every component that uses it. */
    public static void apply(Database database) throws StoreException {
        database.migrate(COMPONENT, STATEMENTS);
    }
}
