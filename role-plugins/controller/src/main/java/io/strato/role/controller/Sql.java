package io.strato.role.controller;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Plain JDBC with the boilerplate taken out: one connection per call, parameters bound in order. */
public final class Sql {

    @FunctionalInterface
    public interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** A unique key was violated: the caller turns it into "name taken". */
    public static final class DuplicateKeyException extends RuntimeException {
        DuplicateKeyException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final int MYSQL_DUPLICATE_ENTRY = 1062;

    private final DataSource dataSource;

    public Sql(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Reads on one connection: a request's queries that belong together, such as a page and its count. */
    @FunctionalInterface
    public interface Reads<T> {
        T read(Reader reader);
    }

    /** The reads of {@link #reading}, all on its connection. */
    public static final class Reader {
        private final Connection connection;

        private Reader(Connection connection) {
            this.connection = connection;
        }

        public <T> List<T> list(String sql, Row<T> row, Object... params) {
            try {
                return Sql.list(connection, sql, row, params);
            } catch (SQLException e) {
                throw failure(sql, e);
            }
        }

        public int count(String sql, Object... params) {
            List<Integer> rows = list(sql, rs -> rs.getInt(1), params);
            return rows.isEmpty() ? 0 : rows.get(0);
        }
    }

    /** Runs {@code reads} on one connection, which costs less than one per query. */
    public <T> T reading(Reads<T> reads) {
        try (Connection c = dataSource.getConnection()) {
            return reads.read(new Reader(c));
        } catch (SQLException e) {
            throw new IllegalStateException("database error: " + e.getMessage(), e);
        }
    }

    public <T> List<T> list(String sql, Row<T> row, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            return list(c, sql, row, params);
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    private static <T> List<T> list(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.read(rs));
            }
            return out;
        }
    }

    public <T> Optional<T> one(String sql, Row<T> row, Object... params) {
        List<T> rows = list(sql, row, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public int count(String sql, Object... params) {
        return one(sql, rs -> rs.getInt(1), params).orElse(0);
    }

    /** @return the number of rows changed */
    public int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }

    static RuntimeException failure(String sql, SQLException e) {
        // 23505: unique constraint violation in Derby, PostgreSQL and the SQL standard; 1062: MySQL's duplicate
        // entry. Other integrity violations (a foreign key, 23503) are errors, not a taken name.
        if ("23505".equals(e.getSQLState()) || e.getErrorCode() == MYSQL_DUPLICATE_ENTRY) {
            return new DuplicateKeyException(e);
        }
        return new IllegalStateException("database error in [" + sql + "]: " + e.getMessage(), e);
    }
}
