package io.strato.api.store;

/** The SQL dialect of a {@link Database}, for the few statements that differ (column types of binary data). */
public enum Dialect { DERBY, POSTGRESQL }
