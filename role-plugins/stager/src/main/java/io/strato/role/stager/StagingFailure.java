package io.strato.role.stager;

/** Staging cannot go on; the message is what the developer sees as the reason, in one line. */
final class StagingFailure extends Exception {

    private static final long serialVersionUID = 1L;

    StagingFailure(String message) {
        super(message);
    }

    StagingFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
