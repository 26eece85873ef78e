package io.strato.api.store;

public enum Dialect { DERBY, POSTGRESQL }
