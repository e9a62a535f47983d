package io.ostraka.transport;

/**
 * A frame from a peer that does not decode into a valid Raft message: an unknown enum value, a
 * missing required field, a value the Raft types refuse. The receiving stream is reset with
 * {@code INVALID_ARGUMENT}; the process carries on.
 */
public final class CodecException extends Exception {
    public CodecException(String message) {
        super(message);
    }

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
