package io.strato.api.store;

import java.util.List;
import javax.sql.DataSource;

/**
 * A database. The store registers two scopes, told apart by the service property {@link #SCOPE}: the
 * {@link #NODE} database is always this node's own (what this node alone owns, e.g. the service instances
 * its plugins provisioned); the {@link #CLUSTER} database is shared by every controller of the cluster.
 * On a node whose store is embedded, or which serves the database to the cluster, both are the same
 * database (one service carrying both scope values). Pick one with a reference target, e.g.
 * {@code @Reference(target = "(strato.store.scope=cluster)")}.
 *
 * <p>A component brings its own tables with {@link #migrate}: statement {@code i} of
 * the list is version {@code i + 1} of that component's schema; versions already applied are skipped, so
 * a component only ever appends to its list.
 */
public interface Database {

    /** Service property naming the scope(s) of a registered database: {@link #NODE}, {@link #CLUSTER} or both. */
    String SCOPE = "strato.store.scope";
    /** This node's own database (embedded Derby under {@code data/strato/db}). */
    String NODE = "node";
    /** The database every controller of the cluster shares. */
    String CLUSTER = "cluster";

    DataSource dataSource();

    /**
     * Applies the not yet applied versions of {@code component}'s schema, each in its own transaction.
     *
     * @return the number of versions applied now
     * @throws StoreException when a statement fails; earlier versions stay applied
     */
    int migrate(String component, List<String> statements) throws StoreException;

    /** Where the data lives, for admins (the JDBC URL without credentials). */
    String location();

    /** Which SQL dialect this database speaks. */
    Dialect dialect();
}
