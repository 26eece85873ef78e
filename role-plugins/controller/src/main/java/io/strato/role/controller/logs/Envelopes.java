package io.strato.role.controller.logs;

import io.strato.api.app.LogLine;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Log lines as Loggregator's dropsonde {@code events.Envelope} of type {@code LogMessage} (protobuf, proto2), the
 * form Doppler hands Cloud Foundry clients. Written by hand: four small messages do not need a protobuf library.
 */
public final class Envelopes {

    static final int LOG_MESSAGE_EVENT = 5;
    static final int OUT = 1;
    static final int ERR = 2;
    private static final String ORIGIN = "strato";

    private Envelopes() {
    }

    /** One line as an Envelope; times in nanoseconds, the instance index as source_instance. */
    public static byte[] of(LogLine line) {
        long nanos = line.timestamp() * 1_000_000L;
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        bytes(message, 1, line.line().getBytes(StandardCharsets.UTF_8));
        varint(message, 2, "stderr".equals(line.stream()) ? ERR : OUT);
        varint(message, 3, nanos);
        bytes(message, 4, line.appGuid().getBytes(StandardCharsets.UTF_8));
        bytes(message, 5, sourceType(line.source()).getBytes(StandardCharsets.UTF_8));
        bytes(message, 6, String.valueOf(Math.max(0, line.index())).getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream envelope = new ByteArrayOutputStream();
        bytes(envelope, 1, ORIGIN.getBytes(StandardCharsets.UTF_8));
        varint(envelope, 2, LOG_MESSAGE_EVENT);
        varint(envelope, 6, nanos);
        bytes(envelope, 8, message.toByteArray());
        return envelope.toByteArray();
    }

    /** Cloud Foundry's names: an app's own output is {@code APP/PROC/WEB}; STG, RTR, API stay as they are. */
    static String sourceType(String source) {
        return source.equalsIgnoreCase("App") ? "APP/PROC/WEB" : source;
    }

    private static void varint(ByteArrayOutputStream out, int field, long value) {
        raw(out, (long) field << 3);
        raw(out, value);
    }

    private static void bytes(ByteArrayOutputStream out, int field, byte[] value) {
        raw(out, ((long) field << 3) | 2);
        raw(out, value.length);
        out.writeBytes(value);
    }

    private static void raw(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
