package io.strato.role.controller.blob;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A streaming reader of multipart/form-data (RFC 7578): each part's body is copied to wherever the caller
 * wants as it arrives, so an upload of any size passes through a fixed 64 KB buffer.
 */
final class MultipartReader {

    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    private boolean finished;

    MultipartReader(InputStream in, String boundary) throws IOException {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
            throw new IOException("multipart body without a valid boundary");
        }
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // the first boundary has no line break before it: pretend there was one
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
        copyUntilDelimiter(OutputStream.nullOutputStream());
        afterDelimiter();
    }

    /** The headers of the next part (names lower case), or null after the last part. */
    Map<String, String> nextPart() throws IOException {
        if (finished) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int total = 0;
        while (true) {
            String line = readLine();
            total += line.length() + 2;
            if (total > MAX_HEADER_BYTES) {
                throw new IOException("multipart part headers are too long");
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
    }

    /** Copies the body of the current part to {@code out}. */
    void copyPart(OutputStream out) throws IOException {
        copyUntilDelimiter(out);
        afterDelimiter();
    }

    /** The {@code name} of a part's Content-Disposition. */
    static String partName(Map<String, String> headers) {
        String disposition = headers.getOrDefault("content-disposition", "");
        for (String param : disposition.split(";")) {
            String p = param.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("name=")) {
                String v = p.substring(5).trim();
                return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
            }
        }
        return null;
    }

    private void copyUntilDelimiter(OutputStream out) throws IOException {
        while (true) {
            int at = indexOfDelimiter();
            if (at >= 0) {
                out.write(buf, pos, at - pos);
                pos = at + delimiter.length;
                return;
            }
            int safe = lim - (delimiter.length - 1);
            if (safe > pos) {
                out.write(buf, pos, safe - pos);
                pos = safe;
            }
            if (!fill()) {
                throw new IOException("the multipart body ends before its closing boundary");
            }
        }
    }

    /** After a delimiter comes "--" (the end) or a line break (another part). */
    private void afterDelimiter() throws IOException {
        ensure(2);
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return;
        }
        readLine(); // the rest of the boundary line: transport padding and CRLF
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            ensure(1);
            byte b = buf[pos++];
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            line.write(b);
            if (line.size() > MAX_HEADER_BYTES) {
                throw new IOException("multipart header line is too long");
            }
        }
    }

    private int indexOfDelimiter() {
        outer:
        for (int i = pos; i <= lim - delimiter.length; i++) {
            for (int j = 0; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void ensure(int n) throws IOException {
        while (lim - pos < n) {
            if (!fill()) {
                throw new IOException("the multipart body ends before its closing boundary");
            }
        }
    }

    private boolean fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            return false;
        }
        lim += n;
        return true;
    }
}
