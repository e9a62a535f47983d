package io.ostraka.log;

/**
 * Watches the engine's group-commit writes, for metrics ({@code wal_fsync_seconds},
 * {@code wal_batch_records}). The log module reads no clock: an observer that wants a latency
 * times the interval between the two calls itself.
 *
 * <p>Both methods are called on the single writer thread, in pairs, around each forced write
 * (a group commit that rolls into a new segment is two writes). They must be fast and must not
 * block or throw: the writer is on every write's critical path.
 */
public interface WalObserver {
    /** Observes nothing. */
    WalObserver NONE = new WalObserver() {};

    /** {@code records} records of {@code bytes} bytes are written and about to be forced to disk. */
    default void syncStarted(int records, long bytes) {}

    /** The force of the write announced by the last {@link #syncStarted} returned: it is durable. */
    default void syncFinished(int records, long bytes) {}
}
