package io.strato.role.controller.tenancy;

import java.util.Arrays;
import java.util.Optional;

/** A user's role in a space, named as Cloud Foundry's association paths name it. */
public enum SpaceRole {
    DEVELOPERS("developers"), MANAGERS("managers"), AUDITORS("auditors");

    private final String path;

    SpaceRole(String path) {
        this.path = path;
    }

    /** The name in URLs ({@code /v2/spaces/:guid/developers}) and in the database. */
    public String path() {
        return path;
    }

    public static Optional<SpaceRole> of(String path) {
        return Arrays.stream(values()).filter(r -> r.path.equals(path)).findFirst();
    }
}
