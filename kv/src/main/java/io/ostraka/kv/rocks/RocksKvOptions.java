package io.ostraka.kv.rocks;

/**
 * Settings of a {@link RocksKvStore}.
 *
 * @param blockCacheBytes size of the LRU block cache shared by the store's column families
 * @param lz4Compression LZ4 on SST blocks (cheap, and values are often text); false: none
 * @param walMode how a write reaches the RocksDB write-ahead log; see {@link WalMode}
 */
public record RocksKvOptions(long blockCacheBytes, boolean lz4Compression, WalMode walMode) {
    /**
     * 64 MiB block cache, LZ4, no RocksDB WAL: the Raft log is the write-ahead log. A crash replays
     * the entries applied since the last flush (at most a snapshot interval's worth: a snapshot
     * flushes), which costs about a second per 100,000 entries at restart; in exchange every apply
     * skips a WAL append on every replica.
     */
    public static final RocksKvOptions DEFAULT = new RocksKvOptions(64L * 1024 * 1024, true, WalMode.DISABLED);

    public RocksKvOptions {
        if (blockCacheBytes < 0) {
            throw new IllegalArgumentException("blockCacheBytes " + blockCacheBytes + " < 0");
        }
        if (walMode == null) {
            throw new IllegalArgumentException("walMode is null");
        }
    }

    public RocksKvOptions withWalMode(WalMode mode) {
        return new RocksKvOptions(blockCacheBytes, lz4Compression, mode);
    }

    public RocksKvOptions withBlockCacheBytes(long bytes) {
        return new RocksKvOptions(bytes, lz4Compression, walMode);
    }

    /**
     * Why no mode needs an fsync per apply: the Raft log is durable and replayable, so losing the
     * newest applies is harmless as long as the store never claims an applied index whose writes it
     * lost. Each command's data, sessions and applied index are one {@code WriteBatch}, so every
     * mode recovers to a consistent prefix: exactly some applied index with its sessions.
     */
    public enum WalMode {
        /** WAL with an fsync per write: nothing acknowledged is ever replayed. Slowest; rarely needed. */
        SYNCED,
        /**
         * WAL written (to the OS) with each batch, not fsynced. A process crash loses nothing; a machine
         * crash loses a suffix, and RocksDB's point-in-time WAL recovery — which stays consistent across
         * the two column families because RocksDB syncs closed WALs before committing a flush when
         * there are several — lands on an earlier applied index, from which the log is replayed.
         */
        UNSYNCED,
        /**
         * No WAL: writes live in memtables until flushed, and the column families are flushed
         * together ({@code atomic_flush}) so the SSTs always hold one consistent applied index. Any
         * crash loses the memtables and the node replays from the older applied index. Fastest
         * apply, longest replay; the Raft log must keep entries back to the last flush (a
         * checkpoint flushes, so a snapshot always covers it). The default.
         */
        DISABLED
    }
}
