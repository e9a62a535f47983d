package io.ostraka.kv;

/**
 * Limits on everything a command can ask for, so that one command cannot exhaust memory or stall
 * apply. The decoder rejects a command over a limit before allocating for it.
 */
public final class KvLimits {
    private KvLimits() {}

    /** Longest key. etcd's default request limit is 1.5 MiB; keys are far smaller in practice. */
    public static final int KEY_BYTES_MAX = 64 * 1024;
    /**
     * Longest range bound (scan and count start and end): one byte more than the longest key, so
     * that the successor of the longest key ({@code key + 0x00}), where the next page of a scan
     * starts, is a valid start.
     */
    public static final int RANGE_BOUND_BYTES_MAX = KEY_BYTES_MAX + 1;
    /** Longest value. */
    public static final int VALUE_BYTES_MAX = 1024 * 1024;
    /** Most keys in one multi-key delete. */
    public static final int DELETE_KEYS_MAX = 1024;
    /** Most operations in one batch. */
    public static final int BATCH_OPS_MAX = 1024;
    /** Largest scan limit. */
    public static final int SCAN_LIMIT_MAX = 10_000;
    /**
     * Keys and values one scan reads at most (past it by one entry at most; it then reports more).
     * A scan runs on the group's loop: 10,000 entries of 1 MiB would otherwise be 10 GiB there.
     */
    public static final long SCAN_RESULT_BYTES_MAX = 4L * 1024 * 1024;
    /** Values one batch may return (gets, puts with GET) at most: the result is kept in its session. */
    public static final long BATCH_RESULT_BYTES_MAX = 4L * 1024 * 1024;

    /** For constant messages only: a message built with {@code +} would be built on every call. */
    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    static void requireKey(byte[] key, String what) {
        if (key == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (key.length > KEY_BYTES_MAX) {
            throw new IllegalArgumentException(what + " of " + key.length + " bytes exceeds " + KEY_BYTES_MAX);
        }
    }

    static void requireRangeBound(byte[] bound, String what) {
        if (bound == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (bound.length > RANGE_BOUND_BYTES_MAX) {
            throw new IllegalArgumentException(what + " of " + bound.length + " bytes exceeds " + RANGE_BOUND_BYTES_MAX);
        }
    }

    static void requireValue(byte[] value) {
        require(value != null, "value is null");
        if (value.length > VALUE_BYTES_MAX) {
            throw new IllegalArgumentException("value of " + value.length + " bytes exceeds " + VALUE_BYTES_MAX);
        }
    }
}
