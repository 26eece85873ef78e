package io.strato.role.controller.tenancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strato.api.store.Database;
import io.strato.role.controller.ControllerSchema;
import io.strato.role.controller.Sql;
import io.strato.role.controller.users.JdbcUserAccounts;
import io.strato.testkit.DerbyDatabase;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@code kato:user-add --org --space} and {@code kato:org-list} do with the database. */
class JdbcTenancyAdminTest {

    private Database database;
    private JdbcTenancyAdmin admin;
    private JdbcUserAccounts users;
    private RoleStore roles;

    @BeforeEach
    void open() throws Exception {
        database = newDatabase();
        users = new JdbcUserAccounts(database);
        admin = new JdbcTenancyAdmin(database);
        roles = new RoleStore(new Sql(database.dataSource()));
    }

    /** The database under test: embedded Derby here, PostgreSQL in {@link JdbcTenancyAdminPostgresTest}. */
    Database newDatabase() throws Exception {
        return new DerbyDatabase(Path.of("target", "fixtures", UUID.randomUUID().toString(), "db"));
    }

    @AfterEach
    void close() throws Exception {
        ((AutoCloseable) database).close();
    }

    @Test
    void aUserJoinsAnOrganizationAndDevelopsInOneOfItsSpaces() {
        String guid = users.add("dana", "dana's password", false).guid();
        admin.join(guid, "default", "default");
        Membership m = roles.membership(guid);
        assertTrue(m.orgRoles().get(ControllerSchema.DEFAULT_ORG_GUID).contains(OrgRole.USERS));
        assertTrue(m.spaceRoles().get(ControllerSchema.DEFAULT_SPACE_GUID).contains(SpaceRole.DEVELOPERS));
        String other = users.add("eve", "eve's password", false).guid();
        assertEquals("no organization nope; kato:org-list shows them",
                assertThrows(IllegalArgumentException.class, () -> admin.join(other, "nope", null)).getMessage());
        assertEquals("organization default has no space nope",
                assertThrows(IllegalArgumentException.class, () -> admin.join(other, "default", "nope")).getMessage());
        assertTrue(roles.membership(other).orgRoles().isEmpty(), "a refused join gives no role at all");
    }

    @Test
    void usersFromBeforeOrganizationsKeepWorkingInTheDefaultSpace() throws Exception {
        Sql sql = new Sql(database.dataSource());
        // as a database written before users had guids and organizations had roles
        sql.update("INSERT INTO ctl_users (name, password_hash, admin, created_at) VALUES ('old', 'x', FALSE, 1)");
        sql.update("INSERT INTO ctl_users (name, password_hash, admin, created_at) VALUES ('boss', 'x', TRUE, 1)");
        JdbcUserAccounts reopened = new JdbcUserAccounts(database);
        String old = reopened.find("old").orElseThrow().guid();
        String boss = reopened.find("boss").orElseThrow().guid();
        Membership m = roles.membership(old);
        assertEquals(java.util.Set.of(OrgRole.USERS), m.orgRoles().get(ControllerSchema.DEFAULT_ORG_GUID));
        assertEquals(java.util.Set.of(SpaceRole.DEVELOPERS), m.spaceRoles().get(ControllerSchema.DEFAULT_SPACE_GUID));
        assertTrue(roles.membership(boss).orgRoles().get(ControllerSchema.DEFAULT_ORG_GUID).contains(OrgRole.MANAGERS));
        new JdbcUserAccounts(database);
        assertEquals(old, users.find("old").orElseThrow().guid(), "adopted once: the guid stays");
        assertEquals(1, sql.count("SELECT COUNT(*) FROM ctl_space_roles WHERE user_guid = ?", old));
    }

    @Test
    void organizationsAreListedWithTheirQuotaAndUse() {
        TenancyAdmin.OrgUse def = admin.organizations().get(0);
        assertEquals("default", def.name());
        assertEquals(1, def.spaces());
        assertEquals("default", def.quota());
        assertEquals(10240, def.memoryLimit());
        assertEquals(0, def.memoryUsed());
        assertEquals(-1, def.instanceLimit());
    }
}
