package io.strato.role.controller.users;

import io.strato.role.controller.ControllerSchema;
import io.strato.role.controller.Sql;
import io.strato.testkit.DerbyDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class SigningKeyTest {

    private DerbyDatabase database;
    private Sql sql;

    @BeforeEach
    void open() throws Exception {
        database = new DerbyDatabase(Path.of("target", "fixtures", UUID.randomUUID().toString(), "db"));
        ControllerSchema.apply(database);
        sql = new Sql(database.dataSource());
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void everyControllerOfAClusterSignsWithTheOneStoredKey() {
        SigningKey first = SigningKey.loadOrCreate(sql, "the cluster's secret 0123456789");
        SigningKey second = SigningKey.loadOrCreate(sql, "the cluster's secret 0123456789");
        assertEquals(first.kid(), second.kid());
        assertEquals(first.publicKey(), second.publicKey());
    }

    @Test
    void aNodeThatJoinedAnotherClusterMakesANewKeyInsteadOfFailingToStart() {
        SigningKey old = SigningKey.loadOrCreate(sql, "the first cluster's secret 0123");
        SigningKey renewed = SigningKey.loadOrCreate(sql, "the second cluster's secret 456");
        assertNotEquals(old.kid(), renewed.kid());
        assertNotEquals(old.publicKey(), renewed.publicKey());
        assertEquals(renewed.kid(), SigningKey.loadOrCreate(sql, "the second cluster's secret 456").kid());
    }
}
