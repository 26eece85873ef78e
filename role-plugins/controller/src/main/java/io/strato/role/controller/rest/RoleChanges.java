package io.strato.role.controller.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strato.role.controller.tenancy.AuditLog;
import io.strato.role.controller.tenancy.Caller;
import io.strato.role.controller.tenancy.OrgRole;
import io.strato.role.controller.tenancy.Organization;
import io.strato.role.controller.tenancy.RoleStore;
import io.strato.role.controller.tenancy.Space;
import io.strato.role.controller.tenancy.SpaceRole;
import io.strato.role.controller.users.UserAccount;
import io.strato.role.controller.users.UserAccounts;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.ws.rs.core.UriInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Giving and taking organization and space roles, by user guid or by user name (Cloud Foundry has both forms),
 * with an audit event and a log line for each change. Callers have checked that the caller may manage.
 */
public final class RoleChanges {

    private static final Logger LOG = LoggerFactory.getLogger(RoleChanges.class);

    private final RoleStore roles;
    private final UserAccounts users;
    private final AuditLog audit;

    public RoleChanges(RoleStore roles, UserAccounts users, AuditLog audit) {
        this.roles = roles;
        this.users = users;
        this.audit = audit;
    }

    /** The user a path's guid names. */
    UserAccount byGuid(String guid) {
        return users.findByGuid(guid).orElseThrow(() -> CfException.invalidRelation("There is no user " + guid));
    }

    /** The user a body's {@code username} names. */
    UserAccount byName(String body) {
        ObjectNode json = Bodies.object(body);
        String name = Bodies.text(json, "username");
        if (name == null || name.isBlank()) {
            throw CfException.invalidRequest("username is required");
        }
        return users.find(name).orElseThrow(() -> CfException.userNotFound(name));
    }

    void grant(Caller caller, Organization org, OrgRole role, UserAccount user) {
        if (roles.grant(org.guid(), user.guid(), role)) {
            changed(caller, "organization_" + singular(role.path()) + "_add", user, null, org.guid(),
                    user.name() + " is now in " + role.path() + " of organization " + org.name());
        }
    }

    /** Taking the "users" role takes every role in the organization's spaces too: the user leaves it. */
    void revoke(Caller caller, Organization org, OrgRole role, UserAccount user) {
        if (role == OrgRole.USERS) {
            roles.revokeSpaceRoles(org.guid(), user.guid());
        }
        if (roles.revoke(org.guid(), user.guid(), role)) {
            changed(caller, "organization_" + singular(role.path()) + "_remove", user, null, org.guid(),
                    user.name() + " is no longer in " + role.path() + " of organization " + org.name());
        }
    }

    /** A space role goes only to a user of the space's organization, as in Cloud Foundry. */
    void grant(Caller caller, Space space, SpaceRole role, UserAccount user) {
        if (!roles.has(space.orgGuid(), user.guid(), OrgRole.USERS)) {
            throw CfException.invalidRelation("User " + user.name() + " is not a user of the space's organization:"
                    + " make them one first (PUT /v2/organizations/" + space.orgGuid() + "/users)");
        }
        if (roles.grant(space.guid(), user.guid(), role)) {
            changed(caller, "space_" + singular(role.path()) + "_add", user, space.guid(), space.orgGuid(),
                    user.name() + " is now in " + role.path() + " of space " + space.name());
        }
    }

    void revoke(Caller caller, Space space, SpaceRole role, UserAccount user) {
        if (roles.revoke(space.guid(), user.guid(), role)) {
            changed(caller, "space_" + singular(role.path()) + "_remove", user, space.guid(), space.orgGuid(),
                    user.name() + " is no longer in " + role.path() + " of space " + space.name());
        }
    }

    /** A page of the users who hold a role (users deleted meanwhile are left out). */
    Map<String, Object> page(UriInfo uri, List<String> holders) {
        List<UserAccount> all = holders.stream().map(users::findByGuid).flatMap(java.util.Optional::stream)
                .filter(Objects::nonNull).sorted(java.util.Comparator.comparing(UserAccount::name)).toList();
        return ServiceShapes.page(uri, all, UserShapes::user);
    }

    private void changed(Caller caller, String what, UserAccount user, String spaceGuid, String orgGuid, String words) {
        LOG.info("{} (by {})", words, caller.name());
        audit.record("audit.user." + what, caller, new AuditLog.Actee(user.guid(), "user", user.name(), spaceGuid, orgGuid),
                Map.of());
    }

    private static String singular(String path) {
        return path.substring(0, path.length() - 1);
    }
}
