package io.strato.cli;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * The body of {@code PUT /v2/apps/:guid/bits}: a {@code resources} part (no cached resources, so
 * "[]") and the {@code application} zip. Streams the zip from disk with a known length so the upload
 * is not chunked and progress can be reported as bytes leave.
 */
public final class MultipartUpload {

    private final String boundary = "strato-" + UUID.randomUUID();
    private final Path zip;
    private final byte[] head;
    private final byte[] tail;

    public MultipartUpload(Path zip) {
        this.zip = zip;
        this.head = ("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"resources\"\r\n\r\n"
                + "[]\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"application\"; filename=\"application.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        this.tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    public long contentLength() {
        try {
            return head.length + Files.size(zip) + tail.length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole body, reporting the zip bytes read so far to {@code progress}. */
    public InputStream open(LongConsumer progress) throws IOException {
        InputStream file = new CountingInputStream(Files.newInputStream(zip), progress);
        return new SequenceInputStream(Collections.enumeration(List.of(
                new ByteArrayInputStream(head), file, new ByteArrayInputStream(tail))));
    }

    private static final class CountingInputStream extends FilterInputStream {
        private final LongConsumer progress;
        private long count;

        CountingInputStream(InputStream in, LongConsumer progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                progress.accept(++count);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
                progress.accept(count);
            }
            return n;
        }
    }
}
