package io.strato.api.store;

import java.util.List;
import javax.sql.DataSource;

/**
 * The node's database. A component brings its own tables with {@link #migrate}: statement {@code i} of
 * the list is version {@code i + 1} of that component's schema; versions already applied are skipped, so
 * a component only ever appends to its list.
 */
public interface Database {

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

    default Dialect dialect() { return Dialect.DERBY; }
}
