package io.strato.api.process;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Reads the output of a child process line by line, like {@link BufferedReader#readLine()}, but never holds
 * more than {@value #MAX_CHARS} characters: a command writing without newlines would otherwise grow one
 * string until the JVM it shares with the whole node runs out of memory. A longer line comes out in
 * pieces of that size.
 */
public final class BoundedLineReader implements Closeable {

    public static final int MAX_CHARS = 16 * 1024;

    private final Reader in;
    private final StringBuilder line = new StringBuilder();
    private boolean afterCarriageReturn;

    public BoundedLineReader(InputStream stream) {
        this.in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
    }

    /** The next line (or piece of one) without its terminator; null at the end of the stream. */
    public String readLine() throws IOException {
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n' && afterCarriageReturn) {
                afterCarriageReturn = false;
                continue;
            }
            afterCarriageReturn = c == '\r';
            if (c == '\n' || c == '\r') {
                return take(line.length());
            }
            if (line.length() == MAX_CHARS) {
                // cut only when more follows, so that a line of exactly the limit stays one line;
                // a surrogate pair is not split
                String piece = take(Character.isHighSurrogate(line.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS);
                line.append((char) c);
                return piece;
            }
            line.append((char) c);
        }
        return line.length() > 0 ? take(line.length()) : null;
    }

    private String take(int length) {
        String piece = line.substring(0, length);
        line.delete(0, length);
        return piece;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
