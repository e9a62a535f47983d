package io.ostraka.server.resp;

import io.ostraka.kv.KvLimits;

/**
 * Settings of a {@link RespServer}. Every limit bounds memory a client can make the server hold;
 * see docs/resp.md, "Limits". Build from {@link #defaults()} and the {@code with*} methods.
 *
 * @param host                 address to bind ("0.0.0.0" for all interfaces)
 * @param port                 port to bind; 0 picks an ephemeral port ({@link RespServer#port()})
 * @param eventLoopThreads     Netty event loop threads serving every connection
 * @param bulkBytesMax         largest bulk string argument a client may send
 * @param requestBytesMax      largest sum of argument bytes in one command, and the pending
 *                             bytes at which a connection stops reading
 * @param arrayElementsMax     most arguments in one command
 * @param inlineBytesMax       longest inline (telnet-style) command line
 * @param pendingCommandsMax   commands decoded but not yet answered at which a connection stops
 *                             reading until half of them are answered
 * @param multiKeyMax          most keys in one MGET, EXISTS or MSET (each a separate read, or
 *                             one batch); DEL takes up to this many groups of 1024
 * @param keysMax              most keys KEYS may examine; beyond it KEYS fails, use SCAN
 * @param scanCountMax         cap on SCAN's COUNT
 * @param writeBufferHighBytes outbound bytes at which a connection stops executing commands
 *                             until the client reads its replies
 */
public record RespServerConfig(
        String host,
        int port,
        int eventLoopThreads,
        int bulkBytesMax,
        long requestBytesMax,
        int arrayElementsMax,
        int inlineBytesMax,
        int pendingCommandsMax,
        int multiKeyMax,
        int keysMax,
        int scanCountMax,
        int writeBufferHighBytes) {

    public static final int DEFAULT_PORT = 6379;

    public RespServerConfig {
        require(host != null && !host.isEmpty(), "host must be set");
        require(port >= 0 && port <= 65535, "port " + port + " is not in 0..65535");
        require(eventLoopThreads >= 1 && eventLoopThreads <= 256, "eventLoopThreads " + eventLoopThreads
                + " is not in 1..256");
        require(bulkBytesMax >= 1 && bulkBytesMax <= Integer.MAX_VALUE - 2, "bulkBytesMax " + bulkBytesMax
                + " must be positive and leave room for CRLF");
        require(requestBytesMax >= bulkBytesMax, "requestBytesMax " + requestBytesMax
                + " must be at least bulkBytesMax " + bulkBytesMax);
        require(arrayElementsMax >= 1, "arrayElementsMax " + arrayElementsMax + " must be positive");
        require(inlineBytesMax >= 16, "inlineBytesMax " + inlineBytesMax + " must be at least 16");
        require(pendingCommandsMax >= 1, "pendingCommandsMax " + pendingCommandsMax + " must be positive");
        require(multiKeyMax >= 1, "multiKeyMax " + multiKeyMax + " must be positive");
        require(keysMax >= 1 && keysMax <= KvLimits.SCAN_LIMIT_MAX, "keysMax " + keysMax + " is not in 1.."
                + KvLimits.SCAN_LIMIT_MAX);
        require(scanCountMax >= 1 && scanCountMax <= KvLimits.SCAN_LIMIT_MAX, "scanCountMax " + scanCountMax
                + " is not in 1.." + KvLimits.SCAN_LIMIT_MAX);
        require(writeBufferHighBytes >= 1024, "writeBufferHighBytes " + writeBufferHighBytes
                + " must be at least 1024");
    }

    /** Port 6379 on all interfaces, 2 event loop threads, 64 MiB bulk strings. */
    public static RespServerConfig defaults() {
        return new RespServerConfig("0.0.0.0", DEFAULT_PORT, 2, 64 * 1024 * 1024, 64L * 1024 * 1024,
                1024 * 1024, 64 * 1024, 1024, 1024, KvLimits.SCAN_LIMIT_MAX, 1000, 1024 * 1024);
    }

    public RespServerConfig withHost(String host) {
        return new RespServerConfig(host, port, eventLoopThreads, bulkBytesMax, requestBytesMax, arrayElementsMax,
                inlineBytesMax, pendingCommandsMax, multiKeyMax, keysMax, scanCountMax, writeBufferHighBytes);
    }

    public RespServerConfig withPort(int port) {
        return new RespServerConfig(host, port, eventLoopThreads, bulkBytesMax, requestBytesMax, arrayElementsMax,
                inlineBytesMax, pendingCommandsMax, multiKeyMax, keysMax, scanCountMax, writeBufferHighBytes);
    }

    public RespServerConfig withEventLoopThreads(int eventLoopThreads) {
        return new RespServerConfig(host, port, eventLoopThreads, bulkBytesMax, requestBytesMax, arrayElementsMax,
                inlineBytesMax, pendingCommandsMax, multiKeyMax, keysMax, scanCountMax, writeBufferHighBytes);
    }

    /** Sets the decoder limits together. */
    public RespServerConfig withDecoderLimits(int bulkBytesMax, long requestBytesMax, int arrayElementsMax,
            int inlineBytesMax) {
        return new RespServerConfig(host, port, eventLoopThreads, bulkBytesMax, requestBytesMax, arrayElementsMax,
                inlineBytesMax, pendingCommandsMax, multiKeyMax, keysMax, scanCountMax, writeBufferHighBytes);
    }

    public RespServerConfig withPendingCommandsMax(int pendingCommandsMax) {
        return new RespServerConfig(host, port, eventLoopThreads, bulkBytesMax, requestBytesMax, arrayElementsMax,
                inlineBytesMax, pendingCommandsMax, multiKeyMax, keysMax, scanCountMax, writeBufferHighBytes);
    }

    /** Sets the keyspace command bounds together. */
    public RespServerConfig withKeyLimits(int multiKeyMax, int keysMax, int scanCountMax) {
        return new RespServerConfig(host, port, eventLoopThreads, bulkBytesMax, requestBytesMax, arrayElementsMax,
                inlineBytesMax, pendingCommandsMax, multiKeyMax, keysMax, scanCountMax, writeBufferHighBytes);
    }

    public RespServerConfig withWriteBufferHighBytes(int writeBufferHighBytes) {
        return new RespServerConfig(host, port, eventLoopThreads, bulkBytesMax, requestBytesMax, arrayElementsMax,
                inlineBytesMax, pendingCommandsMax, multiKeyMax, keysMax, scanCountMax, writeBufferHighBytes);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
