package io.strato.role.controller.users;

import java.util.List;
import java.util.Optional;

/**
 * The users of the API. The REST login and the {@code kato:user-*} shell commands share it. Failures are
 * {@link IllegalArgumentException}s whose message is one line that says what is wrong.
 */
public interface UserAccounts {

    /** Passwords shorter than this are refused. */
    int MIN_PASSWORD_LENGTH = 8;

    /** @throws IllegalArgumentException when the name is invalid or taken, or the password too short */
    UserAccount add(String name, String password, boolean admin);

    /** Deletes the user and its roles; its tokens stop working. @throws IllegalArgumentException when there is no such user */
    void delete(String name);

    /**
     * Sets a new password and ends every token issued before.
     *
     * @throws IllegalArgumentException when there is no such user or the password is too short
     */
    void changePassword(String name, String password);

    /** Every user, sorted by name. */
    List<UserAccount> list();

    Optional<UserAccount> find(String name);

    /** The user a token names; empty once that user is deleted, even if another of the same name exists. */
    Optional<UserAccount> findByGuid(String guid);

    /** The user, when the password is right. */
    Optional<UserAccount> authenticate(String name, String password);
}
