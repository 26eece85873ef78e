package io.strato.api.store;

/**
 * The SQL dialect of a {@link Database}, so a component can pick a type name where the databases differ
 * (e.g. {@code BLOB} on Derby, {@code BYTEA} on PostgreSQL; {@code CLOB} vs {@code TEXT}).
 */
public enum Dialect {
    DERBY,
    POSTGRESQL
}
