package io.strato.role.controller;

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

    /** The quota every new organization gets; the admin may change it (it is named "default"). */
    public static final String DEFAULT_QUOTA_GUID = "0b6f3c1e-2d4a-4c55-8e0f-5a1d9c7b0d03";

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
            "INSERT INTO ctl_app_uid_mark (id, highest_issued) VALUES (1, 0)",
            // users get a stable id that tokens name (a user deleted and added again is another user), and a
            // token generation: a token of an older generation (before a password change) is refused
            "ALTER TABLE ctl_users ADD COLUMN guid VARCHAR(36)",
            "ALTER TABLE ctl_users ADD CONSTRAINT ctl_users_guid_unique UNIQUE (guid)",
            "ALTER TABLE ctl_users ADD COLUMN token_generation INT NOT NULL DEFAULT 0",
            // quota definitions (Cloud Foundry's: -1 is unlimited for the per-instance and instance limits)
            "CREATE TABLE ctl_quota_definitions (guid VARCHAR(36) NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL UNIQUE,"
                    + " non_basic_services_allowed BOOLEAN NOT NULL, total_services INT NOT NULL, total_routes INT NOT NULL,"
                    + " memory_limit INT NOT NULL, instance_memory_limit INT NOT NULL, app_instance_limit INT NOT NULL,"
                    + " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)",
            "INSERT INTO ctl_quota_definitions (guid, name, non_basic_services_allowed, total_services, total_routes,"
                    + " memory_limit, instance_memory_limit, app_instance_limit, created_at, updated_at) VALUES ('"
                    + DEFAULT_QUOTA_GUID + "', 'default', TRUE, 100, 1000, 10240, -1, -1, " + DEFAULTS_CREATED_AT + ", "
                    + DEFAULTS_CREATED_AT + ")",
            "ALTER TABLE ctl_organizations ADD COLUMN quota_guid VARCHAR(36) NOT NULL DEFAULT '" + DEFAULT_QUOTA_GUID + "'",
            "ALTER TABLE ctl_organizations ADD CONSTRAINT ctl_organizations_quota_fk FOREIGN KEY (quota_guid)"
                    + " REFERENCES ctl_quota_definitions(guid)",
            "CREATE TABLE ctl_space_quota_definitions (guid VARCHAR(36) NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL,"
                    + " org_guid VARCHAR(36) NOT NULL REFERENCES ctl_organizations(guid) ON DELETE CASCADE,"
                    + " non_basic_services_allowed BOOLEAN NOT NULL, total_services INT NOT NULL, total_routes INT NOT NULL,"
                    + " memory_limit INT NOT NULL, instance_memory_limit INT NOT NULL, app_instance_limit INT NOT NULL,"
                    + " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (org_guid, name))",
            // no foreign key (Derby refuses a second delete path to ctl_spaces): deleting a space quota clears it
            "ALTER TABLE ctl_spaces ADD COLUMN space_quota_guid VARCHAR(36)",
            // roles: org user, manager, auditor, billing_manager; space developer, manager, auditor
            "CREATE TABLE ctl_org_roles (org_guid VARCHAR(36) NOT NULL REFERENCES ctl_organizations(guid) ON DELETE CASCADE,"
                    + " user_guid VARCHAR(36) NOT NULL, role VARCHAR(32) NOT NULL, created_at BIGINT NOT NULL,"
                    + " PRIMARY KEY (org_guid, user_guid, role))",
            "CREATE INDEX ctl_org_roles_by_user ON ctl_org_roles (user_guid)",
            "CREATE TABLE ctl_space_roles (space_guid VARCHAR(36) NOT NULL REFERENCES ctl_spaces(guid) ON DELETE CASCADE,"
                    + " user_guid VARCHAR(36) NOT NULL, role VARCHAR(32) NOT NULL, created_at BIGINT NOT NULL,"
                    + " PRIMARY KEY (space_guid, user_guid, role))",
            "CREATE INDEX ctl_space_roles_by_user ON ctl_space_roles (user_guid)",
            // audit and app events in one list; they outlive what they name, as Cloud Foundry's do
            "CREATE TABLE ctl_events (guid VARCHAR(255) NOT NULL PRIMARY KEY, type VARCHAR(64) NOT NULL,"
                    + " actor VARCHAR(255) NOT NULL, actor_type VARCHAR(32) NOT NULL, actor_name VARCHAR(255),"
                    + " actee VARCHAR(255) NOT NULL, actee_type VARCHAR(32) NOT NULL, actee_name VARCHAR(255),"
                    + " space_guid VARCHAR(36), org_guid VARCHAR(36), occurred_at BIGINT NOT NULL,"
                    + " metadata_json VARCHAR(32672) NOT NULL)",
            "CREATE INDEX ctl_events_by_time ON ctl_events (occurred_at)",
            "CREATE INDEX ctl_events_by_actee ON ctl_events (actee, occurred_at)",
            "CREATE INDEX ctl_events_by_space ON ctl_events (space_guid, occurred_at)",
            "CREATE INDEX ctl_apps_by_space ON ctl_apps (space_guid, name)",
            // Cloud Foundry's v2 jobs: what an asynchronous request (async=true) did, for clients that poll it
            "CREATE TABLE ctl_jobs (guid VARCHAR(36) NOT NULL PRIMARY KEY, space_guid VARCHAR(36) NOT NULL,"
                    + " status VARCHAR(16) NOT NULL, error_code INT, error_name VARCHAR(128),"
                    + " error_description VARCHAR(4096), created_at BIGINT NOT NULL)",
            "CREATE INDEX ctl_jobs_by_time ON ctl_jobs (created_at)",
            // the RSA key access tokens are signed with (its private half sealed with the cluster secret)
            "CREATE TABLE ctl_token_keys (id INT NOT NULL PRIMARY KEY, kid VARCHAR(64) NOT NULL, public_key VARCHAR(4096) NOT NULL,"
                    + " private_key_sealed VARCHAR(8192) NOT NULL, created_at BIGINT NOT NULL)",
            // shared domains an admin added (owning_org_guid NULL) and private domains of organizations; the
            // cluster's app domain is in the cluster configuration
            "CREATE TABLE ctl_domains (guid VARCHAR(36) NOT NULL PRIMARY KEY, name VARCHAR(253) NOT NULL UNIQUE,"
                    + " owning_org_guid VARCHAR(36) REFERENCES ctl_organizations(guid) ON DELETE CASCADE,"
                    + " created_at BIGINT NOT NULL)",
            // the app list's order: a page is read from this index instead of sorting every app on each request
            "CREATE INDEX ctl_apps_by_name ON ctl_apps (name, guid)",
            // which controller started the app's current staging task, and the package it stages: another controller
            // records the outcome when that one is gone
            "ALTER TABLE ctl_apps ADD COLUMN staging_controller VARCHAR(255)",
            "ALTER TABLE ctl_apps ADD COLUMN staging_package_hash VARCHAR(64)");

    private ControllerSchema() {
    }

    /** Brings the schema up to date; safe to call from every component that uses it. */
    public static void apply(Database database) throws StoreException {
        database.migrate(COMPONENT, STATEMENTS);
    }
}
