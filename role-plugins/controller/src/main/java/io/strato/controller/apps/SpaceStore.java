package io.strato.controller.apps;

import io.strato.controller.Sql;
import java.util.List;
import java.util.Optional;

/** Organizations and spaces; read-only for now (the migration creates "default" of each). */
public final class SpaceStore {

    private final Sql sql;

    public SpaceStore(Sql sql) {
        this.sql = sql;
    }

    public List<Space> organizations() {
        return sql.list("SELECT guid, name, created_at FROM ctl_organizations ORDER BY name",
                rs -> new Space(rs.getString(1), rs.getString(2), null, rs.getLong(3)));
    }

    public Optional<Space> organization(String guid) {
        return organizations().stream().filter(o -> o.guid().equals(guid)).findFirst();
    }

    public List<Space> spaces() {
        return sql.list("SELECT guid, name, org_guid, created_at FROM ctl_spaces ORDER BY name",
                rs -> new Space(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
    }

    public Optional<Space> space(String guid) {
        return spaces().stream().filter(s -> s.guid().equals(guid)).findFirst();
    }
}
