package io.strato.role.controller.tenancy;

import io.strato.api.store.Database;
import io.strato.testkit.PostgresDatabase;

/** The same, with the controller's tables in PostgreSQL (a cluster database with store mode=url). */
class JdbcTenancyAdminPostgresTest extends JdbcTenancyAdminTest {

    @Override
    Database newDatabase() throws Exception {
        return new PostgresDatabase();
    }
}
