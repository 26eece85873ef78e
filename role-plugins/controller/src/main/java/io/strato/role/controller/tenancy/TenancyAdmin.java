package io.strato.role.controller.tenancy;

import java.util.List;

/**
 * What the Karaf shell does with organizations and spaces: put a user in them ({@code kato:user-add --org
 * --space}) and list organizations with their quota and use ({@code kato:org-list}). Failures are
 * {@link IllegalArgumentException}s whose message says what is wrong in one line.
 */
public interface TenancyAdmin {

    /** An organization with its quota and what its spaces use. */
    record OrgUse(String name, int spaces, String quota, long memoryUsed, int memoryLimit, long instancesUsed,
                  int instanceLimit, int servicesUsed, int servicesLimit, int routesUsed, int routesLimit) {
    }

    /**
     * Makes the user a user of the organization, and a developer of its space when {@code spaceName} is given.
     *
     * @throws IllegalArgumentException when there is no such organization or space
     */
    void join(String userGuid, String orgName, String spaceName);

    /** Every organization, by name. */
    List<OrgUse> organizations();
}
