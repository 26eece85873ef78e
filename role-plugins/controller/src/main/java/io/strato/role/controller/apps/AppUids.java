package io.strato.role.controller.apps;

import io.strato.api.sandbox.UidRange;
import io.strato.role.controller.Sql;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out app uids from the configured range. A uid is taken while its app exists and free once the app is
 * deleted. Never-used uids come first, in ascending order after the highest one ever handed out (kept in
 * {@code ctl_app_uid_mark}), so a deleted app's uid, whose files or processes might linger somewhere, is reused
 * only once the range has no never-used uid left; then the lowest free uid is taken.
 * <p>
 * Several controllers may share the database: the mark only moves by compare-and-set, and the unique constraint
 * on {@code ctl_apps.app_uid} decides between two controllers claiming the same free uid; the loser tries again.
 */
public final class AppUids {

    /** Every uid of the range belongs to an app. */
    public static final class RangeExhaustedException extends RuntimeException {
        RangeExhaustedException(UidRange range) {
            super("every app uid of the range " + range + " (" + range.size() + " uids) belongs to an app:"
                    + " delete apps, or ask an admin to widen the controller's appUidRange");
        }
    }

    /** Attempts lost to other controllers before giving up; each lost attempt means another app got a uid. */
    static final int MAX_ATTEMPTS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(AppUids.class);

    private final Sql sql;
    private final UidRange range;

    public AppUids(Sql sql, UidRange range) {
        this.sql = sql;
        this.range = range;
    }

    public UidRange range() {
        return range;
    }

    /**
     * Gives the app a uid unless it has one.
     *
     * @return the app's uid; 0 when the app does not exist (any more)
     * @throws RangeExhaustedException when every uid of the range belongs to an app
     */
    public int assign(String appGuid) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<Integer> held = uidOf(appGuid);
            if (held.isEmpty() || held.get() != 0) {
                return held.orElse(0);
            }
            int candidate = candidate();
            if (candidate == 0) {
                continue; // another controller moved the mark meanwhile
            }
            try {
                if (sql.update("UPDATE ctl_apps SET app_uid = ? WHERE guid = ? AND app_uid IS NULL",
                        candidate, appGuid) > 0) {
                    return candidate;
                }
            } catch (Sql.DuplicateKeyException taken) {
                // another controller gave it to its app first: take the next one
            }
        }
        throw new IllegalStateException("could not give app " + appGuid + " a uid in " + MAX_ATTEMPTS
                + " attempts: too many apps are being created at once");
    }

    /**
     * Gives a uid to every app that has none: apps created before apps had uids, apps left without one when the
     * range was full, or created by a controller that stopped before giving the app its uid.
     *
     * @return how many apps got one
     */
    public int assignMissing() {
        List<String> without = sql.list("SELECT guid FROM ctl_apps WHERE app_uid IS NULL ORDER BY created_at, guid",
                rs -> rs.getString(1));
        int assigned = 0;
        for (int i = 0; i < without.size(); i++) {
            try {
                if (assign(without.get(i)) != 0) {
                    assigned++;
                }
            } catch (RangeExhaustedException e) {
                LOG.warn("{} app(s) have no uid and are neither staged nor run until they get one: {}",
                        without.size() - i, e.getMessage());
                break;
            }
        }
        if (assigned > 0) {
            LOG.info("{} app(s) without a uid got one from {}", assigned, range);
        }
        return assigned;
    }

    /** The highest uid ever handed out (0 before the first). */
    int mark() {
        return sql.one("SELECT highest_issued FROM ctl_app_uid_mark WHERE id = 1", rs -> rs.getInt(1)).orElse(0);
    }

    /**
     * The next never-used uid, reserved by moving the mark to it (0 when another controller moved the mark
     * first), or else the lowest free one.
     */
    private int candidate() {
        int mark = mark();
        if (mark < range.to()) {
            int next = Math.max(mark + 1, range.from());
            boolean reserved = sql.update("UPDATE ctl_app_uid_mark SET highest_issued = ? WHERE id = 1 AND highest_issued = ?",
                    next, mark) > 0;
            return reserved ? next : 0;
        }
        return lowestFree();
    }

    private int lowestFree() {
        List<Integer> taken = sql.list("SELECT app_uid FROM ctl_apps WHERE app_uid >= ? AND app_uid <= ? ORDER BY app_uid",
                rs -> rs.getInt(1), range.from(), range.to());
        int expected = range.from();
        for (int uid : taken) {
            if (uid != expected) {
                return expected;
            }
            expected++;
        }
        if (expected > range.to()) {
            throw new RangeExhaustedException(range);
        }
        return expected;
    }

    private Optional<Integer> uidOf(String appGuid) {
        return sql.one("SELECT app_uid FROM ctl_apps WHERE guid = ?", rs -> rs.getInt(1), appGuid);
    }
}
