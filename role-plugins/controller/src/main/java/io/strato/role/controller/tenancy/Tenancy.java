package io.strato.role.controller.tenancy;

import io.strato.role.controller.rest.CfException;
import java.util.function.Supplier;
import javax.ws.rs.core.SecurityContext;

/**
 * Organizations, spaces and roles, and the door to {@link Access}: resources ask it for the caller's access
 * and for the space a thing lives in, checked in one call.
 */
public final class Tenancy {

    private final OrgStore orgs;
    private final RoleStore roles;

    public Tenancy(OrgStore orgs, RoleStore roles) {
        this.orgs = orgs;
        this.roles = roles;
    }

    public OrgStore orgs() {
        return orgs;
    }

    public RoleStore roles() {
        return roles;
    }

    public Access access(SecurityContext security) {
        return new Access(Caller.of(security), roles);
    }

    public Access access(Caller caller) {
        return new Access(caller, roles);
    }

    /**
     * The space {@code spaceGuid} names, when the caller may do {@code op} in it: otherwise {@code notFound}
     * (cannot see it, or it does not exist) or 403.
     */
    public Space space(Access access, String spaceGuid, Op op, Supplier<CfException> notFound) {
        Space space = orgs.space(spaceGuid).orElseThrow(notFound);
        access.require(space, op, notFound);
        return space;
    }

    public Organization organization(Access access, String orgGuid, Op op, Supplier<CfException> notFound) {
        Organization org = orgs.organization(orgGuid).orElseThrow(notFound);
        access.require(org, op, notFound);
        return org;
    }
}
