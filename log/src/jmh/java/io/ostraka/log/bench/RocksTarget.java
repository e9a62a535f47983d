package io.ostraka.log.bench;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * RocksDB used as a Raft log the way SOFAJRaft's RocksDBLogStorage does: one DB, key =
 * group id + index (big-endian, 16 bytes), value = term + entry bytes, each append a
 * {@link WriteBatch} written with {@code sync = true}. RocksDB's own write-thread leader
 * batching provides its group commit across concurrent writers.
 */
final class RocksTarget implements LoadDriver.Target {
    private final RocksDB db;
    private final Options options;
    private final WriteOptions sync;
    private final ConcurrentHashMap<Long, AtomicLong> nextIndex = new ConcurrentHashMap<>();

    RocksTarget(Path directory) throws Exception {
        RocksDB.loadLibrary();
        options = new Options().setCreateIfMissing(true);
        db = RocksDB.open(options, directory.toString());
        sync = new WriteOptions().setSync(true);
    }

    @Override
    public void appendDurably(long group, byte[] data) throws Exception {
        long index = nextIndex.computeIfAbsent(group, g -> new AtomicLong(1)).getAndIncrement();
        byte[] key = ByteBuffer.allocate(16).putLong(group).putLong(index).array();
        byte[] value = ByteBuffer.allocate(8 + data.length).putLong(1).put(data).array();
        try (WriteBatch batch = new WriteBatch()) {
            batch.put(key, value);
            db.write(sync, batch);
        }
    }

    @Override
    public void close() {
        sync.close();
        db.close();
        options.close();
    }
}
