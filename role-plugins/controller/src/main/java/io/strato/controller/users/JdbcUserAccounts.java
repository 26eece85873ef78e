package io.strato.controller.users;

import io.strato.api.store.Database;
import io.strato.api.store.StoreException;
import io.strato.controller.ControllerSchema;
import io.strato.controller.Sql;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Users in the controller's database, passwords as PBKDF2 hashes. No user exists until an admin adds one. */
@Component(service = UserAccounts.class)
public class JdbcUserAccounts implements UserAccounts {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,254}");
    // Checked against a fixed hash when the user is unknown, so that timing does not reveal which names exist.
    private static final String DUMMY_HASH = PasswordHasher.hash("not a password of anyone");

    private final Sql sql;

    @Activate
    public JdbcUserAccounts(@Reference Database database) throws StoreException {
        ControllerSchema.apply(database);
        this.sql = new Sql(database.dataSource());
    }

    @Override
    public UserAccount add(String name, String password, boolean admin) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid user name '" + name
                    + "': use letters, digits and . _ @ + - (starting with a letter or digit)");
        }
        checkPassword(password);
        UserAccount user = new UserAccount(name, admin, System.currentTimeMillis());
        try {
            sql.update("INSERT INTO ctl_users (name, password_hash, admin, created_at) VALUES (?, ?, ?, ?)",
                    name, PasswordHasher.hash(password), admin, user.createdAt());
        } catch (Sql.DuplicateKeyException e) {
            throw new IllegalArgumentException("user " + name + " already exists; use kato:user-passwd to change its password");
        }
        return user;
    }

    @Override
    public void delete(String name) {
        if (sql.update("DELETE FROM ctl_users WHERE name = ?", name) == 0) {
            throw noSuchUser(name);
        }
    }

    @Override
    public void changePassword(String name, String password) {
        checkPassword(password);
        if (sql.update("UPDATE ctl_users SET password_hash = ? WHERE name = ?", PasswordHasher.hash(password), name) == 0) {
            throw noSuchUser(name);
        }
    }

    @Override
    public List<UserAccount> list() {
        return sql.list("SELECT name, admin, created_at FROM ctl_users ORDER BY name",
                rs -> new UserAccount(rs.getString(1), rs.getBoolean(2), rs.getLong(3)));
    }

    @Override
    public Optional<UserAccount> find(String name) {
        return sql.one("SELECT name, admin, created_at FROM ctl_users WHERE name = ?",
                rs -> new UserAccount(rs.getString(1), rs.getBoolean(2), rs.getLong(3)), name);
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
