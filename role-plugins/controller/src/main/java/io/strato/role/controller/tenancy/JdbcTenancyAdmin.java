package io.strato.role.controller.tenancy;

import io.strato.api.store.Database;
import io.strato.api.store.StoreException;
import io.strato.role.controller.ControllerSchema;
import io.strato.role.controller.Sql;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@link TenancyAdmin} on the controller's database. */
@Component(service = TenancyAdmin.class)
public class JdbcTenancyAdmin implements TenancyAdmin {

    private final OrgStore orgs;
    private final RoleStore roles;
    private final QuotaStore quotas;
    private final QuotaCheck usage;

    @Activate
    public JdbcTenancyAdmin(@Reference(target = "(" + Database.SCOPE + "=" + Database.CLUSTER + ")") Database database) throws StoreException {
        ControllerSchema.apply(database);
        Sql sql = new Sql(database.dataSource());
        this.orgs = new OrgStore(sql);
        this.roles = new RoleStore(sql);
        this.quotas = new QuotaStore(sql);
        this.usage = new QuotaCheck(sql, quotas, orgs);
    }

    @Override
    public void join(String userGuid, String orgName, String spaceName) {
        Organization org = orgs.organizations(orgName, null).stream().findFirst().orElseThrow(() ->
                new IllegalArgumentException("no organization " + orgName + "; kato:org-list shows them"));
        Space space = null;
        if (spaceName != null) {
            space = orgs.spaces(spaceName, org.guid(), null).stream().findFirst().orElseThrow(() ->
                    new IllegalArgumentException("organization " + orgName + " has no space " + spaceName));
        }
        roles.grant(org.guid(), userGuid, OrgRole.USERS);
        if (space != null) {
            roles.grant(space.guid(), userGuid, SpaceRole.DEVELOPERS);
        }
    }

    @Override
    public List<OrgUse> organizations() {
        return orgs.organizations(null, null).stream().map(o -> {
            Quota q = quotas.orgQuota(o.quotaGuid()).orElseThrow();
            QuotaCheck.Usage used = usage.ofOrganization(o.guid());
            return new OrgUse(o.name(), orgs.spaces(null, o.guid(), null).size(), q.name(), used.memory(),
                    q.memoryLimit(), used.instances(), q.appInstanceLimit(), used.services(), q.totalServices(),
                    used.routes(), q.totalRoutes());
        }).toList();
    }
}
