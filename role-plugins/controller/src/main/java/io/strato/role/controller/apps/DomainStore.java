package io.strato.role.controller.apps;

import io.strato.role.controller.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Shared domains an admin added and organizations' private domains, in the database. */
public final class DomainStore {

    private static final String COLUMNS = "guid, name, owning_org_guid, created_at";

    private final Sql sql;

    public DomainStore(Sql sql) {
        this.sql = sql;
    }

    /** @throws Sql.DuplicateKeyException when the name is taken */
    public void create(Domain d) {
        sql.update("INSERT INTO ctl_domains (guid, name, owning_org_guid, created_at) VALUES (?, ?, ?, ?)", d.guid(),
                d.name(), d.owningOrgGuid(), d.createdAt());
    }

    public Optional<Domain> find(String guid) {
        return sql.one("SELECT " + COLUMNS + " FROM ctl_domains WHERE guid = ?", DomainStore::read, guid);
    }

    /** Every stored domain, by name: few enough to check a new name against all of them. */
    public List<Domain> all() {
        return sql.list("SELECT " + COLUMNS + " FROM ctl_domains ORDER BY name", DomainStore::read);
    }

    public boolean delete(String guid) {
        return sql.update("DELETE FROM ctl_domains WHERE guid = ?", guid) > 0;
    }

    private static Domain read(ResultSet rs) throws SQLException {
        return new Domain(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4));
    }
}
