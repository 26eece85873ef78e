package io.strato.role.controller.blob;

/**
 * Bounds on app bits.
 *
 * @param maxBytes             request body (the zip as sent)
 * @param maxEntries           entries in the zip
 * @param maxUncompressedBytes all entries inflated (against zip bombs)
 */
public record UploadLimits(long maxBytes, int maxEntries, long maxUncompressedBytes) {
    public UploadLimits {
        if (maxBytes <= 0 || maxEntries <= 0 || maxUncompressedBytes <= 0) {
            throw new IllegalArgumentException("upload limits must be positive");
        }
    }
}
