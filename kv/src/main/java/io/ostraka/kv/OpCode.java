package io.ostraka.kv;

/**
 * The one-byte operation codes of the command encoding (docs/kv.md). Codes are never reused:
 * a retired operation keeps its code forever so an old log entry cannot change meaning.
 */
public enum OpCode {
    PUT(0x01, false),
    GET(0x02, false),
    DELETE(0x03, false),
    COMPARE_AND_SET(0x04, false),
    INCREMENT(0x05, false),
    SCAN(0x06, false),
    COUNT(0x07, false),
    BATCH(0x08, false),
    /** Reserved for TTL keys: expiry decided by the leader and replicated as a command. */
    EXPIRE(0x09, true),
    /** Reserved for watches (a stream of changes of a key or prefix from a revision). */
    WATCH(0x0A, true),
    /** Opens a client session for exactly-once writes; the session id is the entry's log index. */
    OPEN_SESSION(0x0B, false);

    private final int code;
    private final boolean reserved;

    OpCode(int code, boolean reserved) {
        this.code = code;
        this.reserved = reserved;
    }

    public int code() {
        return code;
    }

    /** Reserved codes decode to INVALID_REQUEST until the operation exists. */
    public boolean isReserved() {
        return reserved;
    }

    /** The operation with this code, or {@code null}. */
    public static OpCode fromCode(int code) {
        for (OpCode op : values()) {
            if (op.code == code) {
                return op;
            }
        }
        return null;
    }
}
