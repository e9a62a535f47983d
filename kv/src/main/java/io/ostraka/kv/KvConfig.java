package io.ostraka.kv;

/**
 * Settings of the KV state machine. Every replica of a group must use the same values: they
 * decide which sessions expire at which index, and so the results of apply.
 *
 * @param sessionIdleIndexesMax a session whose last command is more than this many log indexes
 *     behind the index being applied is dropped (deterministic expiry, no clocks)
 * @param sessionsMax the most sessions remembered; opening one more drops the least recently active
 * @param sessionResultBytesMax the most bytes of remembered results, all sessions together: a
 *     result that takes the total past it drops the least recently active other sessions until
 *     it fits (a single result is at most about 4 MiB, {@link KvLimits#BATCH_RESULT_BYTES_MAX})
 */
public record KvConfig(long sessionIdleIndexesMax, int sessionsMax, long sessionResultBytesMax) {
    /** Without this, sessions could pin 4 MiB each (a batch's results), 400 GiB at 100k sessions. */
    public static final long SESSION_RESULT_BYTES_MAX_DEFAULT = 64L << 20;
    /** About a million commands of idleness (at 10k writes/s, 100 s), 100k clients, 64 MiB of results. */
    public static final KvConfig DEFAULT = new KvConfig(1_000_000, 100_000);

    public KvConfig(long sessionIdleIndexesMax, int sessionsMax) {
        this(sessionIdleIndexesMax, sessionsMax, SESSION_RESULT_BYTES_MAX_DEFAULT);
    }

    public KvConfig {
        if (sessionIdleIndexesMax < 1) {
            throw new IllegalArgumentException("sessionIdleIndexesMax " + sessionIdleIndexesMax + " < 1");
        }
        if (sessionsMax < 1) {
            throw new IllegalArgumentException("sessionsMax " + sessionsMax + " < 1");
        }
        if (sessionResultBytesMax < 1) {
            throw new IllegalArgumentException("sessionResultBytesMax " + sessionResultBytesMax + " < 1");
        }
    }
}
