package io.strato.role.controller.blob;

/** The app's stackato.yml or manifest.yml does not parse; the message names the file, line and reason. */
public class InvalidManifestException extends InvalidUploadException {
    public InvalidManifestException(String message) {
        super(message);
    }
}
