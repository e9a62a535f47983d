package io.ostraka.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes client requests, RESP2 multibulk ({@code *N\r\n$len\r\nbytes\r\n...}) or inline
 * ({@code SET k v\n}), into {@link RespRequest}s; strict and bounded, so hostile input costs at
 * most the configured limits.
 *
 * <p>Why hand-rolled: every length is checked before anything is allocated. A declared count or
 * length is never used to pre-size anything: arguments are collected in a list that grows as they
 * arrive, and a bulk's bytes are copied out only once all of them (and their CRLF) are buffered,
 * so a client announcing {@code $67108864} and sending nothing costs nothing. The parse is
 * incremental (arguments already read are kept), so a command delivered one byte at a time is
 * parsed in linear time. Memory per connection is at most one bulk plus its header in the
 * cumulation buffer, plus the command's arguments so far (at most {@code requestBytesMax}, each
 * counted with {@link #ARG_OVERHEAD_BYTES} on top of its bytes).
 *
 * <p>Errors follow Redis's wording ({@code Protocol error: invalid multibulk length}, ...). On
 * the first one the decoder emits a {@link RespProtocolError} and discards all later input; the
 * connection answers it and closes. Stricter than Redis: lengths must be canonical decimals (no
 * sign, no leading zeros), bulk data must be followed by exactly CRLF, and a request may not
 * start with a RESP type byte other than {@code *} (Redis would run it as an inline command).
 */
public final class RespDecoder extends ByteToMessageDecoder {
    /** "*" or "$", up to 10 digits, CRLF: anything longer is not a valid header line. */
    private static final int HEADER_LINE_BYTES_MAX = 16;
    private static final int ARGS_INITIAL_CAPACITY = 16;
    /**
     * Heap an argument costs beyond its bytes (array header, list slot), counted with them against
     * {@code requestBytesMax} and the connection's pending bytes: a million empty arguments are
     * not free.
     */
    static final int ARG_OVERHEAD_BYTES = 32;

    private final int bulkBytesMax;
    private final long requestBytesMax;
    private final int arrayElementsMax;
    private final int inlineBytesMax;

    // Invariant: argsExpected == -1 (between commands) or args.size() < argsExpected.
    private int argsExpected = -1;
    private List<byte[]> args;
    private long argsBytes;
    // Invariant: bulkLength == -1 (expecting a '$' header) or 0 <= bulkLength <= bulkBytesMax.
    private int bulkLength = -1;
    private boolean failed;

    public RespDecoder(RespServerConfig config) {
        this(config.bulkBytesMax(), config.requestBytesMax(), config.arrayElementsMax(), config.inlineBytesMax());
    }

    public RespDecoder(int bulkBytesMax, long requestBytesMax, int arrayElementsMax, int inlineBytesMax) {
        this.bulkBytesMax = bulkBytesMax;
        this.requestBytesMax = requestBytesMax;
        this.arrayElementsMax = arrayElementsMax;
        this.inlineBytesMax = inlineBytesMax;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!failed && in.isReadable()) {
            String error;
            int before = in.readableBytes();
            if (argsExpected < 0) {
                error = in.getByte(in.readerIndex()) == '*' ? readMultibulkHeader(in) : readInline(in, out);
            } else {
                error = readBulk(in, out);
            }
            if (error != null) {
                fail(in, out, error);
            } else if (in.readableBytes() == before) {
                return; // need more bytes
            }
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
        }
    }

    /** Bytes buffered but not yet decoded (at most one bulk and its header, or one inline line). */
    int bufferedBytes() {
        return actualReadableBytes();
    }

    /** Bytes held in arguments of the command being decoded, with their overhead. */
    long argumentBytes() {
        return argsBytes;
    }

    private void fail(ByteBuf in, List<Object> out, String message) {
        failed = true;
        args = null;
        out.add(new RespProtocolError(message));
        in.skipBytes(in.readableBytes());
    }

    // ---- Multibulk ---------------------------------------------------------------------------

    private String readMultibulkHeader(ByteBuf in) {
        int lineEnd = findLineEnd(in, HEADER_LINE_BYTES_MAX);
        if (lineEnd == NEED_MORE) {
            return null;
        }
        if (lineEnd == TOO_LONG) {
            return "too big mbulk count string";
        }
        long count = parseLength(in, in.readerIndex() + 1, lineEnd);
        if (count < 0 || count > arrayElementsMax) {
            return "invalid multibulk length";
        }
        in.readerIndex(lineEnd + 2);
        if (count > 0) { // "*0\r\n" is an empty command: ignored, like Redis
            argsExpected = (int) count;
            args = new ArrayList<>((int) Math.min(count, ARGS_INITIAL_CAPACITY));
            argsBytes = 0;
        }
        return null;
    }

    private String readBulk(ByteBuf in, List<Object> out) {
        if (bulkLength < 0) {
            byte first = in.getByte(in.readerIndex());
            if (first != '$') {
                return "expected '$', got '" + printable(first) + "'";
            }
            int lineEnd = findLineEnd(in, HEADER_LINE_BYTES_MAX);
            if (lineEnd == NEED_MORE) {
                return null;
            }
            if (lineEnd == TOO_LONG) {
                return "too big bulk count string";
            }
            long length = parseLength(in, in.readerIndex() + 1, lineEnd);
            if (length < 0 || length > bulkBytesMax) {
                return "invalid bulk length";
            }
            if (argsBytes + length + ARG_OVERHEAD_BYTES > requestBytesMax) {
                return "request of more than " + requestBytesMax + " bytes";
            }
            in.readerIndex(lineEnd + 2);
            bulkLength = (int) length;
        }
        if (in.readableBytes() < bulkLength + 2) {
            return null;
        }
        int end = in.readerIndex() + bulkLength;
        if (in.getByte(end) != '\r' || in.getByte(end + 1) != '\n') {
            return "expected CRLF after bulk data";
        }
        byte[] arg = new byte[bulkLength];
        in.readBytes(arg);
        in.skipBytes(2);
        args.add(arg);
        argsBytes += bulkLength + ARG_OVERHEAD_BYTES;
        bulkLength = -1;
        if (args.size() == argsExpected) {
            out.add(new RespRequest(args, argsBytes));
            args = null;
            argsExpected = -1;
            argsBytes = 0;
        }
        return null;
    }

    // ---- Inline ------------------------------------------------------------------------------

    private String readInline(ByteBuf in, List<Object> out) {
        byte first = in.getByte(in.readerIndex());
        if (isRespTypeByte(first)) {
            return "unexpected '" + printable(first) + "' at the start of a request";
        }
        int searchBytes = Math.min(in.readableBytes(), inlineBytesMax + 1);
        int newline = in.indexOf(in.readerIndex(), in.readerIndex() + searchBytes, (byte) '\n');
        if (newline < 0) {
            return in.readableBytes() > inlineBytesMax ? "too big inline request" : null;
        }
        int lineEnd = newline > in.readerIndex() && in.getByte(newline - 1) == '\r' ? newline - 1 : newline;
        byte[] line = new byte[lineEnd - in.readerIndex()];
        in.getBytes(in.readerIndex(), line);
        in.readerIndex(newline + 1);
        List<byte[]> parsed = InlineSplitter.split(line);
        if (parsed == null) {
            return "unbalanced quotes in request";
        }
        if (parsed.size() > arrayElementsMax) {
            return "invalid multibulk length";
        }
        if (!parsed.isEmpty()) { // an empty line is ignored, like Redis
            out.add(new RespRequest(parsed, line.length + (long) parsed.size() * ARG_OVERHEAD_BYTES));
        }
        return null;
    }

    private static boolean isRespTypeByte(byte b) {
        return switch (b) {
            case '$', '+', '-', ':', '_', ',', '#', '%', '~', '>', '=', '(', '!', '|' -> true;
            default -> false;
        };
    }

    // ---- Lines and numbers -------------------------------------------------------------------

    private static final int NEED_MORE = -1;
    private static final int TOO_LONG = -2;
    private static final int BAD_TERMINATOR = -3;

    /** The index of the CR of a CRLF within {@code maxBytes} of the reader index, or a code. */
    private static int findLineEnd(ByteBuf in, int maxBytes) {
        int start = in.readerIndex();
        int searchBytes = Math.min(in.readableBytes(), maxBytes);
        int cr = in.indexOf(start, start + searchBytes, (byte) '\r');
        if (cr < 0) {
            return in.readableBytes() >= maxBytes ? TOO_LONG : NEED_MORE;
        }
        if (cr + 1 >= in.writerIndex()) {
            return NEED_MORE;
        }
        return in.getByte(cr + 1) == '\n' ? cr : BAD_TERMINATOR;
    }

    /** A canonical non-negative decimal in {@code [from, to)} (no sign, no leading zero), or -1. */
    private static long parseLength(ByteBuf in, int from, int to) {
        int digits = to - from;
        if (to < 0 || digits < 1 || digits > 10 || (digits > 1 && in.getByte(from) == '0')) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            byte b = in.getByte(i);
            if (b < '0' || b > '9') {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    private static String printable(byte b) {
        return b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
    }
}
