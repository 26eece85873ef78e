package io.strato.role.controller.blob;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BitsReceiverTest {

    private static final Path FULL = Path.of("/dev/full"); // every write fails with "No space left on device"

    private static byte[] multipart(String boundary) {
        return ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"application\"; filename=\"app.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n" + "x".repeat(64 * 1024) + "\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aFullBlobStoreIsTheControllersFaultNotABrokenUpload() {
        Assumptions.assumeTrue(Files.isWritable(FULL), "/dev/full is there");
        BitsReceiver receiver = new BitsReceiver(1024 * 1024);
        BlobWriteException multipart = assertThrows(BlobWriteException.class, () -> receiver.receive(
                new ByteArrayInputStream(multipart("b0undary")), "multipart/form-data; boundary=b0undary", FULL));
        assertTrue(multipart.getMessage().contains("No space left on device"), multipart.getMessage());
        assertThrows(BlobWriteException.class, () -> receiver.receive(new ByteArrayInputStream(new byte[64 * 1024]),
                "application/zip", FULL));
    }
}
