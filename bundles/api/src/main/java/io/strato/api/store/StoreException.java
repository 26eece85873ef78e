package io.strato.api.store;

/** A database operation failed; the message names what was being done. */
public class StoreException extends Exception {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
