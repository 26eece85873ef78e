package io.strato.role.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOutboundInvoker;

import java.nio.charset.StandardCharsets;

/** Writes a body in HTTP/1.1 chunks: each part as it comes is one chunk, the end is the last chunk. */
final class Chunks {

    private static final ByteBuf CRLF = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(2).writeByte('\r').writeByte('\n')).asReadOnly();
    private static final ByteBuf LAST = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(5).writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))).asReadOnly();

    private Chunks() {
    }

    /** Writes {@code data} (which it takes over) as one chunk; an empty part writes nothing. */
    static void part(ChannelOutboundInvoker out, ByteBufAllocator alloc, ByteBuf data) {
        int size = data.readableBytes();
        if (size == 0) {
            data.release();
            return;
        }
        ByteBuf header = alloc.buffer(18);
        header.writeCharSequence(Integer.toHexString(size), StandardCharsets.US_ASCII);
        header.writeByte('\r').writeByte('\n');
        out.write(header, out.voidPromise());
        out.write(data, out.voidPromise());
        out.write(CRLF.duplicate(), out.voidPromise());
    }

    /** The last chunk, with the trailer lines when there are some. */
    static ByteBuf last(byte[] trailers) {
        if (trailers == null) {
            return LAST.duplicate();
        }
        return Unpooled.wrappedBuffer("0\r\n".getBytes(StandardCharsets.US_ASCII), trailers, new byte[]{'\r', '\n'});
    }
}
