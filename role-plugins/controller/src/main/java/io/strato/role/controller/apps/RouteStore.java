package io.strato.role.controller.apps;

import io.strato.role.controller.Sql;
import io.strato.role.controller.tenancy.Where;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Routes and their mappings to apps, in the database. */
public final class RouteStore {

    private static final String COLUMNS = "r.guid, r.host, r.domain_guid, r.domain_name, r.space_guid, r.created_at";

    private final Sql sql;

    public RouteStore(Sql sql) {
        this.sql = sql;
    }

    /** @throws Sql.DuplicateKeyException when the host is taken in that domain */
    public void create(Route r) {
        sql.update("INSERT INTO ctl_routes (guid, host, domain_guid, domain_name, space_guid, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", r.guid(), r.host(), r.domainGuid(), r.domainName(), r.spaceGuid(), r.createdAt());
    }

    public Optional<Route> find(String guid) {
        return sql.one("SELECT " + COLUMNS + " FROM ctl_routes r WHERE r.guid = ?", RouteStore::read, guid);
    }

    /** Routes by host and space (any when null), only in the spaces {@code visible} holds unless it is null. */
    public List<Route> list(String host, String spaceGuid, Collection<String> visible, int offset, int limit) {
        Where where = new Where().eq("r.host", host).eq("r.space_guid", spaceGuid).in("r.space_guid", visible);
        return where.empty() ? List.of() : sql.list("SELECT " + COLUMNS + " FROM ctl_routes r" + where.sql()
                + " ORDER BY r.host, r.guid OFFSET ? ROWS FETCH NEXT ? ROWS ONLY", RouteStore::read, where.params(offset, limit));
    }

    public int count(String host, String spaceGuid, Collection<String> visible) {
        Where where = new Where().eq("r.host", host).eq("r.space_guid", spaceGuid).in("r.space_guid", visible);
        return where.empty() ? 0 : sql.count("SELECT COUNT(*) FROM ctl_routes r" + where.sql(), where.params());
    }

    /** Whether a route answers {@code uri} ({@code host.domain}, or the domain itself for a route without host). */
    public boolean uriTaken(String uri) {
        return sql.count("SELECT COUNT(*) FROM ctl_routes r WHERE r.host || '.' || r.domain_name = ?"
                + " OR (r.host = '' AND r.domain_name = ?)", uri, uri) > 0;
    }

    /** Whether the domain has a route of that host. */
    public boolean exists(String host, String domainGuid) {
        return sql.count("SELECT COUNT(*) FROM ctl_routes r WHERE r.host = ? AND r.domain_guid = ?", host, domainGuid) > 0;
    }

    /** The routes under a domain. */
    public List<Route> inDomain(String domainGuid) {
        return sql.list("SELECT " + COLUMNS + " FROM ctl_routes r WHERE r.domain_guid = ? ORDER BY r.host",
                RouteStore::read, domainGuid);
    }

    public boolean delete(String guid) {
        return sql.update("DELETE FROM ctl_routes WHERE guid = ?", guid) > 0;
    }

    public List<Route> routesOf(String appGuid) {
        return sql.list("SELECT " + COLUMNS + " FROM ctl_routes r JOIN ctl_app_routes m ON m.route_guid = r.guid"
                + " WHERE m.app_guid = ? ORDER BY r.host, r.domain_name, r.guid", RouteStore::read, appGuid);
    }

    public List<String> appsOf(String routeGuid) {
        return sql.list("SELECT app_guid FROM ctl_app_routes WHERE route_guid = ?", rs -> rs.getString(1), routeGuid);
    }

    /** @return whether the mapping is new */
    public boolean map(String appGuid, String routeGuid) {
        try {
            return sql.update("INSERT INTO ctl_app_routes (app_guid, route_guid) VALUES (?, ?)", appGuid, routeGuid) > 0;
        } catch (Sql.DuplicateKeyException e) {
            return false;
        }
    }

    /** @return whether there was such a mapping */
    public boolean unmap(String appGuid, String routeGuid) {
        return sql.update("DELETE FROM ctl_app_routes WHERE app_guid = ? AND route_guid = ?", appGuid, routeGuid) > 0;
    }

    private static Route read(ResultSet rs) throws SQLException {
        return new Route(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6));
    }
}
