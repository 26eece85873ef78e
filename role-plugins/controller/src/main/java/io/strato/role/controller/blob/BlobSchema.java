package io.strato.role.controller.blob;

import io.strato.api.store.Database;
import io.strato.api.store.Dialect;
import io.strato.api.store.StoreException;
import java.util.List;

/**
 * The blob store's tables, a schema component of their own because the type of binary data differs between
 * databases. A blob is a row of {@code ctl_blobs} (its name, size and time) pointing at its content, the rows of
 * {@code ctl_blob_chunks} of one content id; content that was replaced or deleted is listed in
 * {@code ctl_blob_garbage} until no reader can still be reading it. Append only, as every schema.
 */
final class BlobSchema {

    static final String COMPONENT = "controller-blobs";

    private BlobSchema() {
    }

    static void apply(Database database) throws StoreException {
        database.migrate(COMPONENT, statements(database.dialect()));
    }

    /**
     * The statements of the dialect: the versions of one database are always of one dialect. On Derby the chunk
     * table gets 32 KB pages (its largest; the default 4 KB makes writing a megabyte several times slower).
     */
    static List<String> statements(Dialect dialect) {
        String blobs = "CREATE TABLE ctl_blobs (name VARCHAR(255) NOT NULL PRIMARY KEY, content_id VARCHAR(36) NOT NULL,"
                + " size BIGINT NOT NULL, chunks INT NOT NULL, stored_at BIGINT NOT NULL)";
        String garbage = "CREATE TABLE ctl_blob_garbage (content_id VARCHAR(36) NOT NULL PRIMARY KEY,"
                + " since BIGINT NOT NULL)";
        if (dialect == Dialect.POSTGRESQL) {
            return List.of(blobs, "CREATE TABLE ctl_blob_chunks (content_id VARCHAR(36) NOT NULL, seq INT NOT NULL,"
                    + " data BYTEA NOT NULL, PRIMARY KEY (content_id, seq))", garbage);
        }
        return List.of(blobs,
                "CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.storage.pageSize', '32768')",
                "CREATE TABLE ctl_blob_chunks (content_id VARCHAR(36) NOT NULL, seq INT NOT NULL,"
                        + " data BLOB(" + (BlobStore.CHUNK_BYTES + 1024) + ") NOT NULL, PRIMARY KEY (content_id, seq))",
                "CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.storage.pageSize', NULL)",
                garbage);
    }
}
