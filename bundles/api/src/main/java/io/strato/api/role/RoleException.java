package io.strato.api.role;

/** A role change that was refused; the message is one line that says what is wrong and what to do. */
public class RoleException extends Exception {
    public RoleException(String message) {
        super(message);
    }

    public RoleException(String message, Throwable cause) {
        super(message, cause);
    }
}
