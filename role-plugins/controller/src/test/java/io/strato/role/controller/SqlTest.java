package io.strato.role.controller;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.sql.SQLIntegrityConstraintViolationException;
import org.junit.jupiter.api.Test;

/** Which database errors mean "that name is taken". */
class SqlTest {

    @Test
    void onlyAUniqueKeyViolationIsADuplicate() {
        assertInstanceOf(Sql.DuplicateKeyException.class,
                Sql.failure("INSERT", new SQLIntegrityConstraintViolationException("dup", "23505")));
        assertInstanceOf(Sql.DuplicateKeyException.class,
                Sql.failure("INSERT", new SQLIntegrityConstraintViolationException("Duplicate entry", "23000", 1062)));
        assertFalse(Sql.failure("INSERT", new SQLIntegrityConstraintViolationException("fk", "23503"))
                instanceof Sql.DuplicateKeyException);
        assertFalse(Sql.failure("INSERT", new SQLIntegrityConstraintViolationException("not null", "23502"))
                instanceof Sql.DuplicateKeyException);
    }
}
