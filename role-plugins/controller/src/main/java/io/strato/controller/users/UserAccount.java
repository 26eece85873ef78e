package io.strato.controller.users;

import java.util.Objects;

/** A user who may log in to the API; admins may manage users through it. */
public record UserAccount(String name, boolean admin, long createdAt) {
    public UserAccount {
        Objects.requireNonNull(name, "name");
    }
}
