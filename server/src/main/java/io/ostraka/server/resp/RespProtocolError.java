package io.ostraka.server.resp;

/**
 * What {@link RespDecoder} emits instead of a request when the input breaks the protocol or a
 * limit. The connection answers it in order, after the replies of the requests before it, with
 * {@code -ERR Protocol error: <message>} and then closes; the decoder discards everything after it.
 */
public record RespProtocolError(String message) {}
