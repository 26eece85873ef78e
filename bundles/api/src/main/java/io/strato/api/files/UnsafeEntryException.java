package io.strato.api.files;

import java.io.IOException;

/** An archive entry refused by {@link UnpackTarget}: its message names the entry and why (without a prefix). */
public final class UnsafeEntryException extends IOException {

    private static final long serialVersionUID = 1L;

    UnsafeEntryException(String message) {
        super(message);
    }
}
