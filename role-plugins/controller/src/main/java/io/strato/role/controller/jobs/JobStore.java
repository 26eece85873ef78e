package io.strato.role.controller.jobs;

import io.strato.role.controller.Sql;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Cloud Foundry's v2 jobs, for requests a client makes with {@code async=true} (an upload, a route deleted):
 * the controller does the work while the request lasts and records how it ended, so a client that polls
 * {@code /v2/jobs/:guid} reads the outcome from any controller sharing the database. A job belongs to the space
 * of what it worked on; jobs older than {@link #KEPT} are dropped.
 */
public final class JobStore {

    static final Duration KEPT = Duration.ofDays(1);

    /** A finished job; the error fields are set when it failed. */
    public record Job(String guid, String spaceGuid, String status, Integer errorCode, String errorName,
                      String errorDescription, long createdAt) {
        public static final String FINISHED = "finished";
        public static final String FAILED = "failed";
    }

    private final Sql sql;

    public JobStore(Sql sql) {
        this.sql = sql;
    }

    public Job finished(String spaceGuid) {
        return record(new Job(UUID.randomUUID().toString(), spaceGuid, Job.FINISHED, null, null, null,
                System.currentTimeMillis()));
    }

    public Job failed(String spaceGuid, int code, String name, String description) {
        return record(new Job(UUID.randomUUID().toString(), spaceGuid, Job.FAILED, code, name, description,
                System.currentTimeMillis()));
    }

    public Optional<Job> find(String guid) {
        return sql.one("SELECT guid, space_guid, status, error_code, error_name, error_description, created_at"
                + " FROM ctl_jobs WHERE guid = ?", rs -> new Job(rs.getString(1), rs.getString(2), rs.getString(3),
                (Integer) rs.getObject(4), rs.getString(5), rs.getString(6), rs.getLong(7)), guid);
    }

    private Job record(Job job) {
        sql.update("DELETE FROM ctl_jobs WHERE created_at < ?", job.createdAt() - KEPT.toMillis());
        sql.update("INSERT INTO ctl_jobs (guid, space_guid, status, error_code, error_name, error_description,"
                        + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", job.guid(), job.spaceGuid(), job.status(),
                job.errorCode(), job.errorName(), job.errorDescription(), job.createdAt());
        return job;
    }
}
