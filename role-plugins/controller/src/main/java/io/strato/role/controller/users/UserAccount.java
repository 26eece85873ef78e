package io.strato.role.controller.users;

import java.util.Objects;

/**
 * A user who may log in to the API. Tokens name the user by {@code guid}, which never passes to another user
 * (deleting a user and adding one of the same name gives a new guid), and carry {@code tokenGeneration}: a
 * password change raises it, which ends every token issued before.
 */
public record UserAccount(String guid, String name, boolean admin, long createdAt, int tokenGeneration) {
    public UserAccount {
        Objects.requireNonNull(guid, "guid");
        Objects.requireNonNull(name, "name");
    }
}
