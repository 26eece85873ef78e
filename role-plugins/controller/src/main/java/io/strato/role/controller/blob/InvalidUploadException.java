package io.strato.role.controller.blob;

/** App bits that are refused; the message says which entry and why, for the person who pushed them. */
public class InvalidUploadException extends Exception {
    public InvalidUploadException(String message) {
        super(message);
    }
}
