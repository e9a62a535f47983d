package io.ostraka.kv;

/** The outcome class of a KV operation; the wire code is stable forever. */
public enum KvStatus {
    /** Done; the result carries what the operation returns. */
    OK(0),
    /** A get of an absent key. Not a failure: it never aborts a batch. */
    NOT_FOUND(1),
    /** NX/XX or a compare-and-set version did not hold; nothing was written. */
    CONDITION_FAILED(2),
    /** The command is malformed or asks for something unsupported; the reason says what. */
    INVALID_REQUEST(3),
    /** The stored value is not what the operation needs (incr on a non-integer). */
    WRONG_TYPE(4),
    /** An increment would leave the signed 64-bit range. */
    OVERFLOW(5),
    /** The session already applied a later sequence; this request is an old retry. */
    STALE_SEQUENCE(6),
    /** The session is unknown (expired or never opened) and the sequence is above 1. */
    SESSION_EXPIRED(7);

    private final int code;

    KvStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Whether this outcome, inside a batch, aborts the whole batch. */
    public boolean abortsBatch() {
        return this == CONDITION_FAILED || this == INVALID_REQUEST || this == WRONG_TYPE || this == OVERFLOW;
    }

    /** The status with this code, or {@code null}. */
    public static KvStatus fromCode(int code) {
        for (KvStatus status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        return null;
    }
}
