package io.strato.role.controller.users;

import io.strato.api.store.Database;
import io.strato.api.store.StoreException;
import io.strato.role.controller.ControllerSchema;
import io.strato.role.controller.Sql;
import io.strato.role.controller.tenancy.OrgRole;
import io.strato.role.controller.tenancy.SpaceRole;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Users in the controller's database, passwords as PBKDF2 hashes. No user exists until an admin adds one.
 * Users from before organizations and spaces get a guid when the store opens, and keep working where every
 * app then lived: they become users of the "default" organization and developers of its "default" space
 * (admins its managers as well).
 */
@Component(service = UserAccounts.class)
public class JdbcUserAccounts implements UserAccounts {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,254}");
    // Checked against a fixed hash when the user is unknown, so that timing does not reveal which names exist.
    private static final String DUMMY_HASH = PasswordHasher.hash("not a password of anyone");

    private static final String COLUMNS = "guid, name, admin, created_at, token_generation";

    private final Sql sql;

    @Activate
    public JdbcUserAccounts(@Reference(target = "(" + Database.SCOPE + "=" + Database.CLUSTER + ")") Database database) throws StoreException {
        ControllerSchema.apply(database);
        this.sql = new Sql(database.dataSource());
        adoptLegacyUsers();
    }

    private void adoptLegacyUsers() {
        for (UserAccount legacy : sql.list("SELECT name, admin, created_at FROM ctl_users WHERE guid IS NULL",
                rs -> new UserAccount("", rs.getString(1), rs.getBoolean(2), rs.getLong(3), 0))) {
            String guid = UUID.randomUUID().toString();
            if (sql.update("UPDATE ctl_users SET guid = ? WHERE name = ? AND guid IS NULL", guid, legacy.name()) == 0) {
                continue; // another controller on the same database adopted it meanwhile
            }
            long now = System.currentTimeMillis();
            List<OrgRole> orgRoles = legacy.admin() ? List.of(OrgRole.USERS, OrgRole.MANAGERS) : List.of(OrgRole.USERS);
            List<SpaceRole> spaceRoles = legacy.admin() ? List.of(SpaceRole.DEVELOPERS, SpaceRole.MANAGERS)
                    : List.of(SpaceRole.DEVELOPERS);
            orgRoles.forEach(role -> sql.update("INSERT INTO ctl_org_roles (org_guid, user_guid, role, created_at)"
                    + " VALUES (?, ?, ?, ?)", ControllerSchema.DEFAULT_ORG_GUID, guid, role.path(), now));
            spaceRoles.forEach(role -> sql.update("INSERT INTO ctl_space_roles (space_guid, user_guid, role, created_at)"
                    + " VALUES (?, ?, ?, ?)", ControllerSchema.DEFAULT_SPACE_GUID, guid, role.path(), now));
        }
    }

    @Override
    public UserAccount add(String name, String password, boolean admin) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid user name '" + name
                    + "': use letters, digits and . _ @ + - (starting with a letter or digit)");
        }
        checkPassword(password);
        UserAccount user = new UserAccount(UUID.randomUUID().toString(), name, admin, System.currentTimeMillis(), 0);
        try {
            sql.update("INSERT INTO ctl_users (guid, name, password_hash, admin, created_at, token_generation)"
                    + " VALUES (?, ?, ?, ?, ?, 0)", user.guid(), name, PasswordHasher.hash(password), admin, user.createdAt());
        } catch (Sql.DuplicateKeyException e) {
            throw new IllegalArgumentException("user " + name + " already exists; use kato:user-passwd to change its password");
        }
        return user;
    }

    @Override
    public void delete(String name) {
        UserAccount user = find(name).orElseThrow(() -> noSuchUser(name));
        if (sql.update("DELETE FROM ctl_users WHERE guid = ?", user.guid()) == 0) {
            throw noSuchUser(name);
        }
        sql.update("DELETE FROM ctl_org_roles WHERE user_guid = ?", user.guid());
        sql.update("DELETE FROM ctl_space_roles WHERE user_guid = ?", user.guid());
    }

    @Override
    public void changePassword(String name, String password) {
        checkPassword(password);
        if (sql.update("UPDATE ctl_users SET password_hash = ?, token_generation = token_generation + 1 WHERE name = ?",
                PasswordHasher.hash(password), name) == 0) {
            throw noSuchUser(name);
        }
    }

    @Override
    public List<UserAccount> list() {
        return sql.list("SELECT " + COLUMNS + " FROM ctl_users ORDER BY name", JdbcUserAccounts::read);
    }

    @Override
    public Optional<UserAccount> find(String name) {
        return sql.one("SELECT " + COLUMNS + " FROM ctl_users WHERE name = ?", JdbcUserAccounts::read, name);
    }

    @Override
    public Optional<UserAccount> findByGuid(String guid) {
        return sql.one("SELECT " + COLUMNS + " FROM ctl_users WHERE guid = ?", JdbcUserAccounts::read, guid);
    }

    private static UserAccount read(ResultSet rs) throws SQLException {
        return new UserAccount(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4), rs.getInt(5));
    }

    @Override
    public Optional<UserAccount> authenticate(String name, String password) {
        Optional<String> hash = sql.one("SELECT password_hash FROM ctl_users WHERE name = ?", rs -> rs.getString(1), name);
        boolean ok = PasswordHasher.verify(password, hash.orElse(DUMMY_HASH));
        return ok && hash.isPresent() ? find(name) : Optional.empty();
    }

    private static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("the password must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
    }

    private static IllegalArgumentException noSuchUser(String name) {
        return new IllegalArgumentException("no user " + name + "; kato:user-list shows the users");
    }
}
