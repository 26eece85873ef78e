package io.strato.role.controller.tenancy;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One user's roles: by organization, and by space for every space it can see ({@code spaceOrgs} maps each
 * such space to its organization; a space it sees only as org manager has no space role).
 */
public record Membership(Map<String, Set<OrgRole>> orgRoles, Map<String, Set<SpaceRole>> spaceRoles,
                         Map<String, String> spaceOrgs) {

    public Set<OrgRole> in(Organization org) {
        return orgRoles.getOrDefault(org.guid(), Set.of());
    }

    public Set<SpaceRole> in(Space space) {
        return spaceRoles.getOrDefault(space.guid(), Set.of());
    }

    /** The spaces the user can see. */
    public Set<String> visibleSpaces() {
        return spaceOrgs.keySet();
    }

    /** The organizations the user can see: those it has a role in, or a role in one of their spaces. */
    public Set<String> visibleOrgs() {
        Set<String> out = new HashSet<>(orgRoles.keySet());
        out.addAll(spaceOrgs.values());
        return out;
    }
}
