package io.strato.role.controller.tenancy;

import io.strato.role.controller.rest.CfException;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What one caller may do, for one request: the rules of {@link Op} applied to the caller's roles, read once
 * when first needed. Whoever cannot see a thing gets the thing's own 404, as if it did not exist; whoever
 * sees it but may not do the operation gets 403.
 */
public final class Access {

    private final Caller caller;
    private final RoleStore roles;
    private Membership membership;

    Access(Caller caller, RoleStore roles) {
        this.caller = caller;
        this.roles = roles;
    }

    public Caller caller() {
        return caller;
    }

    public boolean admin() {
        return caller.admin();
    }

    private Membership membership() {
        if (membership == null) {
            membership = roles.membership(caller.userGuid());
        }
        return membership;
    }

    /** The spaces the caller can see; null for an admin, who sees all. */
    public Set<String> visibleSpaces() {
        return admin() ? null : membership().visibleSpaces();
    }

    /** The organizations the caller can see; null for an admin, who sees all. */
    public Set<String> visibleOrgs() {
        return admin() ? null : membership().visibleOrgs();
    }

    /**
     * The events the caller may list: those of the spaces it sees, and the organization-level ones (spaces
     * created or deleted, roles given) of the organizations it manages or audits.
     */
    public AuditLog.Visible events() {
        if (admin()) {
            return AuditLog.Visible.ALL;
        }
        Set<String> orgs = new java.util.HashSet<>();
        membership().orgRoles().forEach((org, held) -> {
            if (held.contains(OrgRole.MANAGERS) || held.contains(OrgRole.AUDITORS)) {
                orgs.add(org);
            }
        });
        return new AuditLog.Visible(membership().visibleSpaces(), orgs);
    }

    /** Whether the caller may see the event. */
    public boolean sees(AuditLog.Event event) {
        AuditLog.Visible visible = events();
        return visible.spaces() == null || (event.spaceGuid() != null ? visible.spaces().contains(event.spaceGuid())
                : visible.orgs().contains(event.orgGuid()));
    }

    /** Whether the caller can see the space and what is in it. */
    public boolean sees(Space space) {
        return admin() || membership().spaceOrgs().containsKey(space.guid());
    }

    public boolean sees(Organization org) {
        return admin() || membership().visibleOrgs().contains(org.guid());
    }

    /** Whether the caller may see the secrets (environments, credentials) of the space {@code spaceGuid}. */
    public boolean seesSecrets(String spaceGuid) {
        return admin() || membership().spaceRoles().getOrDefault(spaceGuid, Set.of()).contains(SpaceRole.DEVELOPERS);
    }

    /** Whether the caller may do {@code op} on the space; false also when it cannot see it. */
    public boolean allows(Space space, Op op) {
        if (!sees(space)) {
            return false;
        }
        if (admin()) {
            return true;
        }
        Set<SpaceRole> inSpace = membership().in(space);
        boolean orgManager = membership().orgRoles().getOrDefault(space.orgGuid(), Set.of()).contains(OrgRole.MANAGERS);
        return switch (op) {
            case SPACE_READ -> true;
            case SPACE_SECRETS, SPACE_WRITE -> seesSecrets(space.guid());
            case SPACE_MANAGE -> orgManager || inSpace.contains(SpaceRole.MANAGERS);
            case SPACE_ADMIN -> orgManager;
            default -> throw new IllegalArgumentException(op + " is not an operation on a space");
        };
    }

    /** Whether the caller may do {@code op} on the organization; false also when it cannot see it. */
    public boolean allows(Organization org, Op op) {
        if (!sees(org)) {
            return false;
        }
        if (admin()) {
            return true;
        }
        return switch (op) {
            case ORG_READ -> true;
            case ORG_MANAGE -> membership().in(org).contains(OrgRole.MANAGERS);
            case ORG_ADMIN -> false;
            default -> throw new IllegalArgumentException(op + " is not an operation on an organization");
        };
    }

    /** Refuses with {@code notFound} when the caller cannot see the space, with 403 when it may not do {@code op}. */
    public void require(Space space, Op op, Supplier<CfException> notFound) {
        if (!sees(space)) {
            throw notFound.get();
        }
        if (!allows(space, op)) {
            throw CfException.notAuthorized();
        }
    }

    public void require(Organization org, Op op, Supplier<CfException> notFound) {
        if (!sees(org)) {
            throw notFound.get();
        }
        if (!allows(org, op)) {
            throw CfException.notAuthorized();
        }
    }

    /** Refuses with 403 unless the caller is a cloud admin. */
    public void requireAdmin() {
        if (!admin()) {
            throw CfException.notAuthorized();
        }
    }
}
