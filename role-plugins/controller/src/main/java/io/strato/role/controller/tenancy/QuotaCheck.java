package io.strato.role.controller.tenancy;

import io.strato.role.controller.Sql;
import io.strato.role.controller.apps.App;
import io.strato.role.controller.rest.CfException;
import java.util.Optional;

/**
 * Checks a change against the quota of the space's organization and the space's own quota, with Cloud
 * Foundry's error codes and a description that names the limit, what is in use and what the change needs.
 * Memory and instances count started apps only, as Cloud Foundry counts them; a change that needs no more
 * than before is never refused, so an organization over a lowered quota can still scale down.
 */
public final class QuotaCheck {

    /** What a space or an organization uses: MB of started instances, instances, service instances, routes. */
    public record Usage(long memory, long instances, int services, int routes) {
    }

    private final Sql sql;
    private final QuotaStore quotas;
    private final OrgStore orgs;

    public QuotaCheck(Sql sql, QuotaStore quotas, OrgStore orgs) {
        this.sql = sql;
        this.quotas = quotas;
        this.orgs = orgs;
    }

    public Usage ofOrganization(String orgGuid) {
        return usage("s.org_guid = ?", orgGuid, null);
    }

    public Usage ofSpace(String spaceGuid) {
        return usage("s.guid = ?", spaceGuid, null);
    }

    private Usage usage(String scope, String guid, String exceptApp) {
        String apps = "FROM ctl_apps a JOIN ctl_spaces s ON s.guid = a.space_guid WHERE " + scope
                + " AND a.state = '" + App.STARTED + "' AND a.guid <> ?";
        String except = exceptApp == null ? "" : exceptApp;
        long memory = sql.one("SELECT COALESCE(SUM(CAST(a.memory AS BIGINT) * a.instances), 0) " + apps,
                rs -> rs.getLong(1), guid, except).orElse(0L);
        long instances = sql.one("SELECT COALESCE(SUM(CAST(a.instances AS BIGINT)), 0) " + apps,
                rs -> rs.getLong(1), guid, except).orElse(0L);
        int services = sql.count("SELECT COUNT(*) FROM ctl_service_instances i JOIN ctl_spaces s"
                + " ON s.guid = i.space_guid WHERE " + scope, guid);
        int routes = sql.count("SELECT COUNT(*) FROM ctl_routes r JOIN ctl_spaces s ON s.guid = r.space_guid WHERE "
                + scope, guid);
        return new Usage(memory, instances, services, routes);
    }

    /** Refuses an app change (create, update, scale, start) that would go past a quota. */
    public void app(Space space, App before, App after) {
        if (!after.started()) {
            return;
        }
        boolean wasStarted = before != null && before.started();
        long needMemory = (long) after.memory() * after.instances();
        long hadMemory = wasStarted ? (long) before.memory() * before.instances() : 0;
        long hadInstances = wasStarted ? before.instances() : 0;
        boolean memoryChanged = !wasStarted || before.memory() != after.memory();
        for (Scope scope : scopes(space)) {
            Quota q = scope.quota;
            if (memoryChanged && Quota.limited(q.instanceMemoryLimit()) && after.memory() > q.instanceMemoryLimit()) {
                throw scope.error(100007, "QuotaInstanceMemoryLimitExceeded", 310004,
                        "SpaceQuotaInstanceMemoryLimitExceeded", "You have exceeded the instance memory limit for your "
                                + scope.whose() + " quota: each instance may have " + q.instanceMemoryLimit()
                                + " MB, this change asks for " + after.memory() + " MB");
            }
            Usage used = usage(scope.column, scope.guid, after.guid());
            if (needMemory > hadMemory && Quota.limited(q.memoryLimit()) && used.memory() + needMemory > q.memoryLimit()) {
                throw scope.error(100005, "AppMemoryQuotaExceeded", 310003, "SpaceQuotaMemoryLimitExceeded",
                        "You have exceeded your " + scope.whose() + " memory limit: memory quota exceeded: "
                                + used.memory() + " MB in use of " + q.memoryLimit() + " MB, this change needs "
                                + needMemory + " MB");
            }
            if (after.instances() > hadInstances && Quota.limited(q.appInstanceLimit())
                    && used.instances() + after.instances() > q.appInstanceLimit()) {
                throw scope.error(100008, "QuotaInstanceLimitExceeded", 310008, "SpaceQuotaInstanceLimitExceeded",
                        "You have exceeded the instance limit for your " + scope.whose() + " quota: "
                                + used.instances() + " instances in use of " + q.appInstanceLimit()
                                + ", this change needs " + after.instances());
            }
        }
    }

    /** Refuses a new route past the routes limit. */
    public void route(Space space) {
        for (Scope scope : scopes(space)) {
            Usage used = usage(scope.column, scope.guid, null);
            if (Quota.limited(scope.quota.totalRoutes()) && used.routes() + 1 > scope.quota.totalRoutes()) {
                throw scope.error(310006, "OrgQuotaTotalRoutesExceeded", 310005, "SpaceQuotaTotalRoutesExceeded",
                        "You have exceeded the total routes for your " + scope.whose() + " quota: " + used.routes()
                                + " routes in use of " + scope.quota.totalRoutes());
            }
        }
    }

    /** Refuses a new service instance past the services limit, or of a paid plan where paid plans are not allowed. */
    public void serviceInstance(Space space, boolean paidPlan) {
        for (Scope scope : scopes(space)) {
            if (paidPlan && !scope.quota.nonBasicServicesAllowed()) {
                throw scope.error(60007, "ServiceInstanceServicePlanNotAllowed", 60013,
                        "ServiceInstanceServicePlanNotAllowedBySpaceQuota", "The service instance cannot be created"
                                + " because paid service plans are not allowed for your " + scope.whose() + " quota "
                                + scope.quota.name());
            }
            Usage used = usage(scope.column, scope.guid, null);
            if (Quota.limited(scope.quota.totalServices()) && used.services() + 1 > scope.quota.totalServices()) {
                throw scope.error(60005, "ServiceInstanceQuotaExceeded", 60012, "ServiceInstanceSpaceQuotaExceeded",
                        "You have exceeded your " + scope.whose() + " services limit: " + used.services()
                                + " service instances in use of " + scope.quota.totalServices());
            }
        }
    }

    /** The organization's quota, then the space's own if it has one. */
    private java.util.List<Scope> scopes(Space space) {
        java.util.List<Scope> out = new java.util.ArrayList<>();
        orgs.organization(space.orgGuid()).flatMap(o -> quotas.orgQuota(o.quotaGuid()))
                .ifPresent(q -> out.add(new Scope(q, "s.org_guid = ?", space.orgGuid(), false)));
        Optional.ofNullable(space.spaceQuotaGuid()).flatMap(quotas::spaceQuota)
                .ifPresent(q -> out.add(new Scope(q, "s.guid = ?", space.guid(), true)));
        return out;
    }

    private record Scope(Quota quota, String column, String guid, boolean space) {
        String whose() {
            return space ? "space's" : "organization's";
        }

        CfException error(int orgCode, String orgName, int spaceCode, String spaceName, String description) {
            return space ? new CfException(400, spaceCode, "CF-" + spaceName, description)
                    : new CfException(400, orgCode, "CF-" + orgName, description);
        }
    }
}
