package io.strato.role.controller.blob;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Receives app bits into a file: the {@code application} part of a multipart/form-data upload as Cloud
 * Foundry clients send it, with its {@code resources} part (the files left out because the controller has them),
 * or a bare zip body. The body is counted while it streams and refused once it crosses the limit.
 */
public final class BitsReceiver {

    private final long maxBytes;

    public BitsReceiver(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * @param contentType the request's Content-Type
     * @param target      file that receives the zip
     * @return the {@code resources} part (JSON), or null when the body has none
     * @throws UploadTooLargeException when the body crosses the limit
     * @throws InvalidUploadException  when the body has no application part or is not readable multipart
     * @throws BlobWriteException      when {@code target} cannot be written (its file system is full)
     */
    public String receive(InputStream body, String contentType, Path target) throws IOException, InvalidUploadException {
        InputStream limited = new LimitedInputStream(body, maxBytes);
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (!type.startsWith("multipart/")) {
            try (OutputStream out = BlobWriteException.marking(Files.newOutputStream(target))) {
                limited.transferTo(out);
            }
            return null;
        }
        try {
            MultipartReader reader = new MultipartReader(limited, boundary(contentType));
            boolean found = false;
            String resources = null;
            Map<String, String> headers;
            while ((headers = reader.nextPart()) != null) {
                if ("application".equals(MultipartReader.partName(headers)) && !found) {
                    try (OutputStream out = new BufferedOutputStream(BlobWriteException.marking(Files.newOutputStream(target)))) {
                        reader.copyPart(out);
                    }
                    found = true;
                } else if ("resources".equals(MultipartReader.partName(headers)) && resources == null) {
                    java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
                    reader.copyPart(text);
                    resources = text.toString(java.nio.charset.StandardCharsets.UTF_8);
                } else {
                    reader.copyPart(OutputStream.nullOutputStream());
                }
            }
            // every file may have been matched: then the resources alone make the package
            if (!found && resources == null) {
                throw new InvalidUploadException("the upload has no 'application' part with the zip");
            }
            return resources;
        } catch (UploadTooLargeException | BlobWriteException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidUploadException("unreadable multipart body: " + e.getMessage());
        }
    }

    private static String boundary(String contentType) {
        for (String param : contentType.split(";")) {
            String p = param.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = p.substring("boundary=".length());
                return b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"") ? b.substring(1, b.length() - 1) : b;
            }
        }
        return null;
    }
}
