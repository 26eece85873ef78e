package io.strato.role.controller.tenancy;

import java.util.Arrays;
import java.util.Optional;

/** A user's role in an organization, named as Cloud Foundry's association paths name it. */
public enum OrgRole {
    USERS("users"), MANAGERS("managers"), AUDITORS("auditors"), BILLING_MANAGERS("billing_managers");

    private final String path;

    OrgRole(String path) {
        this.path = path;
    }

    /** The name in URLs ({@code /v2/organizations/:guid/managers}) and in the database. */
    public String path() {
        return path;
    }

    public static Optional<OrgRole> of(String path) {
        return Arrays.stream(values()).filter(r -> r.path.equals(path)).findFirst();
    }
}
