package io.strato.role.controller.apps;

import io.strato.role.controller.Sql;
import io.strato.role.controller.tenancy.Where;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Apps in the database. Staging outcomes are conditional on the staging task id, so a late result of a
 * superseded task never overwrites a newer one.
 */
public final class AppStore {

    private static final String COLUMNS = "guid, name, space_guid, memory, instances, disk_quota, state, command,"
            + " buildpack, environment_json, package_hash, package_updated_at, package_state, staging_task_id,"
            + " staging_failed_reason, droplet_hash, droplet_package_hash, detected_start_command, detected_buildpack,"
            + " version, created_at, updated_at, app_uid";

    private final Sql sql;

    public AppStore(Sql sql) {
        this.sql = sql;
    }

    /**
     * Stores a new app without a uid: {@link AppUids#assign} gives it one.
     *
     * @throws Sql.DuplicateKeyException when the space has an app of that name
     */
    public void create(App a) {
        sql.update("INSERT INTO ctl_apps (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                a.guid(), a.name(), a.spaceGuid(), a.memory(), a.instances(), a.diskQuota(), a.state(), a.command(),
                a.buildpack(), a.environmentJson(), a.packageHash(), a.packageUpdatedAt(), a.packageState(),
                a.stagingTaskId(), a.stagingFailedReason(), a.dropletHash(), a.dropletPackageHash(),
                a.detectedStartCommand(), a.detectedBuildpack(), a.version(), a.createdAt(), a.updatedAt());
    }

    /** Saves what a client may change. @throws Sql.DuplicateKeyException when the new name is taken */
    public void updateSettings(App a) {
        sql.update("UPDATE ctl_apps SET name = ?, space_guid = ?, memory = ?, instances = ?, disk_quota = ?, state = ?,"
                        + " command = ?, buildpack = ?, environment_json = ?, version = ?, updated_at = ? WHERE guid = ?",
                a.name(), a.spaceGuid(), a.memory(), a.instances(), a.diskQuota(), a.state(), a.command(), a.buildpack(),
                a.environmentJson(), a.version(), System.currentTimeMillis(), a.guid());
    }

    public Optional<App> find(String guid) {
        return sql.one("SELECT " + COLUMNS + " FROM ctl_apps WHERE guid = ?", AppStore::read, guid);
    }

    /** One page of a list and how many match in all. */
    public record Page(int total, List<App> items) {
    }

    /**
     * Apps by name and space (any when null), only in the spaces {@code visible} holds unless it is null, sorted
     * by name, one page of them.
     */
    public List<App> list(String name, String spaceGuid, Collection<String> visible, int offset, int limit) {
        Where where = where(name, spaceGuid, visible);
        return where.empty() ? List.of() : sql.list(pageSql(where), AppStore::read, where.params(offset, limit));
    }

    /** {@link #list} and the number of all matches, read together. */
    public Page page(String name, String spaceGuid, Collection<String> visible, int offset, int limit) {
        Where where = where(name, spaceGuid, visible);
        return where.empty() ? new Page(0, List.of()) : sql.reading(db -> new Page(
                db.count("SELECT COUNT(*) FROM ctl_apps" + where.sql(), where.params()),
                db.list(pageSql(where), AppStore::read, where.params(offset, limit))));
    }

    private static Where where(String name, String spaceGuid, Collection<String> visible) {
        return new Where().eq("name", name).eq("space_guid", spaceGuid).in("space_guid", visible);
    }

    // guid breaks ties between names, so that pages neither repeat nor skip an app; ctl_apps_by_name serves it
    private static String pageSql(Where where) {
        return "SELECT " + COLUMNS + " FROM ctl_apps" + where.sql() + " ORDER BY name, guid OFFSET ? ROWS FETCH NEXT ? ROWS ONLY";
    }

    /** The guids of a space's apps. */
    public List<String> inSpace(String spaceGuid) {
        return sql.list("SELECT guid FROM ctl_apps WHERE space_guid = ?", rs -> rs.getString(1), spaceGuid);
    }

    public List<App> started() {
        return sql.list("SELECT " + COLUMNS + " FROM ctl_apps WHERE state = ?", AppStore::read, App.STARTED);
    }

    public boolean delete(String guid) {
        return sql.update("DELETE FROM ctl_apps WHERE guid = ?", guid) > 0;
    }

    /** New bits replace the old: the app waits for staging. */
    public void packageStored(String guid, String packageHash) {
        long now = System.currentTimeMillis();
        sql.update("UPDATE ctl_apps SET package_hash = ?, package_updated_at = ?, package_state = ?,"
                + " staging_failed_reason = NULL, updated_at = ? WHERE guid = ?", packageHash, now, App.PENDING, now, guid);
    }

    /** Forgets which package the droplet was built from, so the app's bits are staged again. */
    public void restage(String guid) {
        sql.update("UPDATE ctl_apps SET droplet_package_hash = NULL, package_state = ?, updated_at = ? WHERE guid = ?",
                App.PENDING, System.currentTimeMillis(), guid);
    }

    /** The app's current staging task: who started it ({@code controller}, a node id) and which package it stages. */
    public record StagingTask(String taskId, String controller, String packageHash) {
    }

    /** Task {@code taskId}, started by {@code controller}, now stages package {@code packageHash}. */
    public void stagingStarted(String guid, String taskId, String controller, String packageHash) {
        sql.update("UPDATE ctl_apps SET staging_task_id = ?, staging_controller = ?, staging_package_hash = ?,"
                        + " package_state = ?, staging_failed_reason = NULL, updated_at = ? WHERE guid = ?",
                taskId, controller, packageHash, App.PENDING, System.currentTimeMillis(), guid);
    }

    /** The app's current staging task while its outcome is not recorded. */
    public Optional<StagingTask> pendingStagingTask(String guid) {
        return sql.one("SELECT staging_task_id, staging_controller, staging_package_hash FROM ctl_apps"
                        + " WHERE guid = ? AND staging_task_id IS NOT NULL AND package_state = ?",
                rs -> new StagingTask(rs.getString(1), rs.getString(2), rs.getString(3)), guid, App.PENDING);
    }

    /**
     * Records the droplet of a task while it is the app's current one and still pending, so that an outcome is
     * recorded once, whichever controller gets to it first.
     *
     * @return whether this call recorded it
     */
    public boolean staged(String guid, String taskId, String packageHash, String dropletHash, String startCommand,
                          String detectedBuildpack) {
        return sql.update("UPDATE ctl_apps SET package_state = ?, staging_failed_reason = NULL, droplet_hash = ?,"
                        + " droplet_package_hash = ?, detected_start_command = ?, detected_buildpack = ?, version = ?,"
                        + " updated_at = ? WHERE guid = ? AND staging_task_id = ? AND package_state = ?",
                App.STAGED, dropletHash, packageHash, startCommand, detectedBuildpack, UUID.randomUUID().toString(),
                System.currentTimeMillis(), guid, taskId, App.PENDING) > 0;
    }

    /**
     * The droplet, if any, stays: instances of the last good droplet keep running. Like {@link #staged}, only for
     * the current, pending task.
     *
     * @return whether this call recorded it
     */
    public boolean stagingFailed(String guid, String taskId, String reason) {
        return sql.update("UPDATE ctl_apps SET package_state = ?, staging_failed_reason = ?, updated_at = ?"
                        + " WHERE guid = ? AND staging_task_id = ? AND package_state = ?",
                App.FAILED, truncate(reason, 4096), System.currentTimeMillis(), guid, taskId, App.PENDING) > 0;
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static App read(ResultSet rs) throws SQLException {
        return new App(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5), rs.getInt(6),
                rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getLong(12),
                rs.getString(13), rs.getString(14), rs.getString(15), rs.getString(16), rs.getString(17),
                rs.getString(18), rs.getString(19), rs.getString(20), rs.getLong(21), rs.getLong(22), rs.getInt(23));
    }
}
