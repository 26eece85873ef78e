package io.strato.role.controller.blob;

import java.io.IOException;

/** The request body crossed the upload limit; raised while reading, so the rest is never read. */
public class UploadTooLargeException extends IOException {
    public UploadTooLargeException(long limitBytes) {
        super("the upload is larger than " + limitBytes + " bytes");
    }
}
