package io.strato.role.controller.blob;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writing into the blob store failed (typically: its file system is full). The controller's fault, not the
 * client's: an upload that meets it is answered as the blob store being unavailable, not as a broken upload.
 */
public final class BlobWriteException extends IOException {

    public BlobWriteException(IOException cause) {
        super(cause.getMessage(), cause);
    }

    /** The stream, with every failure of a write or flush reported as a {@link BlobWriteException}. */
    public static OutputStream marking(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw new BlobWriteException(e);
                }
            }

            @Override
            public void write(int b) throws IOException {
                try {
                    out.write(b);
                } catch (IOException e) {
                    throw new BlobWriteException(e);
                }
            }

            @Override
            public void flush() throws IOException {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw new BlobWriteException(e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    out.close();
                } catch (IOException e) {
                    throw new BlobWriteException(e);
                }
            }
        };
    }
}
