package io.ostraka.kv;

/**
 * Settings of the KV state machine. Every replica of a group must use the same values: they
 * decide which sessions expire at which index, and so the results of apply.
 *
 * @param sessionIdleIndexesMax a session whose last command is more than this many log indexes
 *     behind the index being applied is dropped (deterministic expiry, no clocks)
 * @param sessionsMax the most sessions remembered; opening one more drops the least recently active
 */
public record KvConfig(long sessionIdleIndexesMax, int sessionsMax) {
    /** About a million commands of idleness (at 10k writes/s, 100 s), and 100k clients. */
    public static final KvConfig DEFAULT = new KvConfig(1_000_000, 100_000);

    public KvConfig {
        if (sessionIdleIndexesMax < 1) {
            throw new IllegalArgumentException("sessionIdleIndexesMax " + sessionIdleIndexesMax + " < 1");
        }
        if (sessionsMax < 1) {
            throw new IllegalArgumentException("sessionsMax " + sessionsMax + " < 1");
        }
    }
}
