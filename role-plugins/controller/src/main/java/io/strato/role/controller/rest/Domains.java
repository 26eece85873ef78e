package io.strato.role.controller.rest;

import io.strato.api.cluster.ClusterView;
import io.strato.role.controller.Sql;
import io.strato.role.controller.apps.Domain;
import io.strato.role.controller.apps.DomainStore;
import io.strato.role.controller.apps.Route;
import io.strato.role.controller.apps.RouteStore;
import io.strato.role.controller.apps.SharedDomain;
import io.strato.role.controller.tenancy.Access;
import io.strato.role.controller.tenancy.Space;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The domains routes may use: the cluster's app domain (shared, from the cluster configuration), shared domains
 * an admin added, and organizations' private domains. A private domain is seen and used only by its organization.
 *
 * <p>Routers send a request to the app whose route is its host name, so no two routes may ever answer the same
 * name: a new domain may not lie under (or above) a domain of another owner, where a route of one could be the
 * name of a route of the other ({@code a} of {@code example.com} and a route without host of {@code a.example.com}).
 * Shared domains need a host on every route; private domains may have a route without one.
 */
public final class Domains {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final DomainStore store;
    private final RouteStore routes;
    private final ClusterView cluster;

    public Domains(DomainStore store, RouteStore routes, ClusterView cluster) {
        this.store = store;
        this.routes = routes;
        this.cluster = cluster;
    }

    /** The cluster's app domain: the shared domain routes get when a request names none. */
    public Domain appDomain() {
        SharedDomain d = SharedDomain.of(cluster.config().appDomain());
        return new Domain(d.guid(), d.name(), null, 0);
    }

    /** Every domain, the app domain first. */
    List<Domain> all() {
        Domain app = appDomain();
        List<Domain> all = new ArrayList<>(List.of(app));
        store.all().stream().filter(d -> !d.name().equals(app.name())).forEach(all::add);
        return all;
    }

    Optional<Domain> find(String guid) {
        return all().stream().filter(d -> d.guid().equals(guid)).findFirst();
    }

    List<Domain> shared(String name) {
        return all().stream().filter(Domain::shared).filter(d -> name == null || d.name().equals(name)).toList();
    }

    /** The private domains the caller sees: of {@code orgGuid}, or of every organization when it is null. */
    List<Domain> privateDomains(Access access, String orgGuid, String name) {
        Set<String> orgs = access.visibleOrgs();
        return store.all().stream().filter(d -> !d.shared())
                .filter(d -> orgs == null || orgs.contains(d.owningOrgGuid()))
                .filter(d -> orgGuid == null || d.owningOrgGuid().equals(orgGuid))
                .filter(d -> name == null || d.name().equals(name)).toList();
    }

    /** The domain as the caller sees it: a private domain of an organization it does not see answers 404. */
    Domain visible(Access access, String guid) {
        Domain d = find(guid).orElseThrow(() -> CfException.domainNotFound(guid));
        Set<String> orgs = access.visibleOrgs();
        if (!d.shared() && orgs != null && !orgs.contains(d.owningOrgGuid())) {
            throw CfException.domainNotFound(guid);
        }
        return d;
    }

    /** The domain a route of {@code space} may use: shared, or private to the space's organization. */
    Domain forRoute(String guid, Space space) {
        Domain d = find(guid).orElseThrow(() -> CfException.domainNotFound(guid));
        if (!d.shared() && !d.owningOrgGuid().equals(space.orgGuid())) {
            throw CfException.domainNotFound(guid);
        }
        return d;
    }

    /** Adds a domain, shared ({@code owningOrgGuid} null) or private. */
    Domain create(String rawName, String owningOrgGuid) {
        String name = Objects.requireNonNullElse(rawName, "").trim().toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (!validName(name)) {
            throw CfException.domainInvalid("name must be a DNS name of at least two labels separated by dots, each"
                    + " of 1 to 63 letters, digits or dashes, not starting or ending with a dash (253 characters at most)");
        }
        for (Domain d : all()) {
            if (d.name().equals(name)) {
                throw CfException.domainNameTaken(name);
            }
            Domain candidate = new Domain("", name, owningOrgGuid, 0);
            if (!Objects.equals(d.owningOrgGuid(), owningOrgGuid) && (candidate.within(d.name()) || d.within(name))) {
                throw CfException.domainInvalid("name overlaps with an existing domain of another owner");
            }
        }
        Domain domain = new Domain(UUID.randomUUID().toString(), name, owningOrgGuid, System.currentTimeMillis());
        try {
            store.create(domain);
        } catch (Sql.DuplicateKeyException e) {
            throw CfException.domainNameTaken(name);
        }
        return domain;
    }

    /**
     * Deletes a domain; while routes use it only with {@code recursive}, which deletes them first (each through
     * {@code deleteRoute}, so their apps restart without them).
     */
    void delete(Domain d, boolean recursive, Consumer<Route> deleteRoute) {
        if (d.guid().equals(appDomain().guid())) {
            throw CfException.domainInvalid("the cluster's app domain " + d.name() + " is set with kato:cluster-config"
                    + " --domain and cannot be deleted");
        }
        List<Route> using = routes.inDomain(d.guid());
        if (!using.isEmpty() && !recursive) {
            throw CfException.associationNotEmpty("routes", d.shared() ? "shared domain" : "private domain");
        }
        using.forEach(deleteRoute);
        store.delete(d.guid());
    }

    static boolean validName(String name) {
        if (name.length() > 253 || !name.contains(".")) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    static String url(Domain d) {
        return (d.shared() ? "/v2/shared_domains/" : "/v2/private_domains/") + d.guid();
    }

    static Map<String, Object> shape(Domain d) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", d.name());
        if (d.shared()) {
            e.put("internal", false);
            e.put("router_group_guid", null);
            e.put("router_group_type", null);
        } else {
            e.put("owning_organization_guid", d.owningOrgGuid());
            e.put("owning_organization_url", "/v2/organizations/" + d.owningOrgGuid());
            e.put("shared_organizations_url", "/v2/private_domains/" + d.guid() + "/shared_organizations");
        }
        return Shapes.resource(d.guid(), url(d), d.createdAt(), d.createdAt(), e);
    }
}
