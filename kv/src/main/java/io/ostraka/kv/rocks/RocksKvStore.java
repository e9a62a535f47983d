package io.ostraka.kv.rocks;

import io.ostraka.kv.Bytes;
import io.ostraka.kv.KvEntry;
import io.ostraka.kv.KvSession;
import io.ostraka.kv.KvStore;
import io.ostraka.kv.KvWriteBatch;
import io.ostraka.kv.VersionedValue;
import io.ostraka.raft.Invariants;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * {@link KvStore} on RocksDB (rocksdbjni): the server's durable state-machine storage.
 *
 * <p>Keys live in the default column family under RocksDB's bytewise comparator, which is
 * {@link Bytes#UNSIGNED_LEXICOGRAPHIC}; values carry version, createIndex and modIndex
 * ({@link RocksEncoding}). A second column family, {@code meta}, holds the applied index, the key
 * count and one record per client session. {@link #write} turns a {@link KvWriteBatch} — data,
 * session changes and applied index of one command — into one RocksDB {@code WriteBatch}, so after
 * any crash the database is exactly at some applied index with that index's sessions: a retried
 * write is never applied twice and no dedup record is lost. See {@link RocksKvOptions.WalMode} for
 * why no mode needs an fsync per write.
 *
 * <p>The exact key count ({@code DBSIZE}) is kept in {@code meta} and maintained by {@link #write}:
 * from the batch's own delta when every put and delete said whether its key existed (the state
 * machine's writes, which read each key first), else by checking each written key's presence
 * ({@code keyExists}: memtable, then Bloom filters).
 *
 * <p>Every native object (options, cache, filter, handles, iterators, snapshots, batches) is
 * closed: iterators and batches by try-with-resources, the rest by {@link #close}. Not thread-safe,
 * like every store; RocksDB itself is, which is what lets a checkpoint run while writes go on.
 */
public final class RocksKvStore implements KvStore {
    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final RocksKvOptions options;
    // Closed in reverse order of creation; the database and its handles come first.
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final RocksDB db;
    private final ColumnFamilyHandle dataFamily;
    private final ColumnFamilyHandle metaFamily;
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions;
    // Invariant: appliedIndex and keyCount equal what "meta" holds (0 when absent).
    private long appliedIndex;
    private long keyCount;
    private boolean closed;

    private RocksKvStore(Path directory, RocksKvOptions options, RocksDB db, List<ColumnFamilyHandle> handles,
            Deque<AutoCloseable> optionObjects) {
        this.directory = directory;
        this.options = options;
        this.resources.addAll(optionObjects);
        this.writeOptions = track(new WriteOptions()
                .setSync(options.walMode() == RocksKvOptions.WalMode.SYNCED)
                .setDisableWAL(options.walMode() == RocksKvOptions.WalMode.DISABLED));
        this.readOptions = track(new ReadOptions());
        this.db = track(db);
        this.dataFamily = track(handles.get(0));
        this.metaFamily = track(handles.get(1));
    }

    /**
     * Opens (creating if missing) the RocksDB database in {@code directory}.
     *
     * @throws IOException if RocksDB cannot open it, or it is not a KV store of a known format
     */
    public static RocksKvStore open(Path directory, RocksKvOptions options) throws IOException {
        Deque<AutoCloseable> optionObjects = new ArrayDeque<>();
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksKvStore store = null;
        try {
            LRUCache cache = push(optionObjects, new LRUCache(Math.max(options.blockCacheBytes(), 1)));
            BloomFilter bloom = push(optionObjects, new BloomFilter(10));
            BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(bloom);
            ColumnFamilyOptions dataOptions = push(optionObjects, new ColumnFamilyOptions()
                    .setCompressionType(options.lz4Compression() ? CompressionType.LZ4_COMPRESSION
                            : CompressionType.NO_COMPRESSION)
                    .setTableFormatConfig(table));
            ColumnFamilyOptions metaOptions = push(optionObjects, new ColumnFamilyOptions()
                    .setCompressionType(CompressionType.NO_COMPRESSION).setTableFormatConfig(table));
            DBOptions dbOptions = push(optionObjects, new DBOptions()
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    // Without a WAL the two column families must reach SSTs together.
                    .setAtomicFlush(options.walMode() == RocksKvOptions.WalMode.DISABLED)
                    .setKeepLogFileNum(4));
            List<ColumnFamilyDescriptor> families = List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, dataOptions),
                    new ColumnFamilyDescriptor(RocksEncoding.META_CF, metaOptions));
            RocksDB db = RocksDB.open(dbOptions, directory.toString(), families, handles);
            store = new RocksKvStore(directory, options, db, handles, optionObjects);
            store.loadMeta();
            return store;
        } catch (RocksDBException | RuntimeException e) {
            if (store != null) {
                store.closeQuietly();
            } else {
                handles.forEach(ColumnFamilyHandle::close);
                optionObjects.forEach(RocksKvStore::closeQuietly);
            }
            throw new IOException("cannot open the RocksDB KV store in " + directory + ": " + e.getMessage(), e);
        }
    }

    private void loadMeta() throws RocksDBException {
        byte[] format = db.get(metaFamily, RocksEncoding.FORMAT_KEY);
        if (format == null) {
            Invariants.check(!hasAnyKey(), "RocksDB in %s has keys but no KV format marker: not a KV store",
                    directory);
            db.put(metaFamily, writeOptions, RocksEncoding.FORMAT_KEY, RocksEncoding.encodeInt(RocksEncoding.FORMAT_VERSION));
        } else if (RocksEncoding.decodeInt(RocksEncoding.FORMAT_KEY, format) != RocksEncoding.FORMAT_VERSION) {
            throw new IllegalStateException("RocksDB KV store in " + directory + " has format version "
                    + RocksEncoding.decodeInt(RocksEncoding.FORMAT_KEY, format) + "; this build reads version "
                    + RocksEncoding.FORMAT_VERSION);
        }
        byte[] applied = db.get(metaFamily, RocksEncoding.APPLIED_KEY);
        appliedIndex = applied == null ? 0 : RocksEncoding.decodeLong(RocksEncoding.APPLIED_KEY, applied);
        byte[] keys = db.get(metaFamily, RocksEncoding.KEY_COUNT_KEY);
        keyCount = keys == null ? 0 : RocksEncoding.decodeLong(RocksEncoding.KEY_COUNT_KEY, keys);
    }

    /** The database directory. */
    public Path directory() {
        return directory;
    }

    public RocksKvOptions options() {
        return options;
    }

    // ---- Reads -------------------------------------------------------------------------------

    @Override
    public VersionedValue get(byte[] key) {
        requireOpen();
        try {
            byte[] stored = db.get(dataFamily, readOptions, key);
            return stored == null ? null : RocksEncoding.decodeValue(key, stored);
        } catch (RocksDBException e) {
            throw failure("get", e);
        }
    }

    @Override
    public List<KvEntry> scan(byte[] start, byte[] end, int limit, long maxBytes) {
        if (limit < 0) {
            throw new IllegalArgumentException("scan limit " + limit + " < 0");
        }
        requireOpen();
        List<KvEntry> out = new ArrayList<>(Math.min(limit, 64));
        if (limit == 0 || (end != null && !Bytes.less(start, end))) {
            return out;
        }
        try (RocksIterator it = db.newIterator(dataFamily, readOptions)) {
            long bytes = 0;
            for (it.seek(start); it.isValid() && out.size() < limit && bytes < maxBytes; it.next()) {
                byte[] key = it.key();
                if (end != null && !Bytes.less(key, end)) {
                    break;
                }
                KvEntry entry = new KvEntry(key, RocksEncoding.decodeValue(key, it.value()));
                out.add(entry);
                bytes += entry.sizeBytes();
            }
            it.status();
        } catch (RocksDBException e) {
            throw failure("scan", e);
        }
        return out;
    }

    @Override
    public long count(byte[] start, byte[] end) {
        requireOpen();
        if (start.length == 0 && end == null) {
            return keyCount;
        }
        if (end != null && !Bytes.less(start, end)) {
            return 0;
        }
        long counted = 0;
        try (RocksIterator it = db.newIterator(dataFamily, readOptions)) {
            for (it.seek(start); it.isValid(); it.next()) {
                if (end != null && !Bytes.less(it.key(), end)) {
                    break;
                }
                counted++;
            }
            it.status();
        } catch (RocksDBException e) {
            throw failure("count", e);
        }
        return counted;
    }

    @Override
    public long size() {
        requireOpen();
        return keyCount;
    }

    /** Iterates over a RocksDB snapshot, so concurrent writes (there are none in the state machine) are not seen. */
    @Override
    public void forEachEntry(EntryVisitor visitor) throws IOException {
        requireOpen();
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions atSnapshot = new ReadOptions().setSnapshot(snapshot);
                RocksIterator it = db.newIterator(dataFamily, atSnapshot)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                visitor.visit(key, RocksEncoding.decodeValue(key, it.value()));
            }
            it.status();
        } catch (RocksDBException e) {
            throw new IOException("RocksDB iteration failed in " + directory + ": " + e.getMessage(), e);
        } finally {
            db.releaseSnapshot(snapshot);
        }
    }

    @Override
    public long appliedIndex() {
        requireOpen();
        return appliedIndex;
    }

    @Override
    public void forEachSession(Consumer<KvSession> visitor) {
        requireOpen();
        try (RocksIterator it = db.newIterator(metaFamily, readOptions)) {
            for (it.seek(new byte[] {RocksEncoding.SESSION_PREFIX}); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (key.length == 0 || key[0] != RocksEncoding.SESSION_PREFIX) {
                    break;
                }
                visitor.accept(RocksEncoding.decodeSession(key, it.value()));
            }
            it.status();
        } catch (RocksDBException e) {
            throw failure("session scan", e);
        }
    }

    // ---- Writes ------------------------------------------------------------------------------

    @Override
    public void put(byte[] key, VersionedValue value) {
        write(new KvWriteBatch().put(key, value));
    }

    @Override
    public boolean delete(byte[] key) {
        requireOpen();
        boolean present = db.keyExists(dataFamily, readOptions, key);
        if (present) {
            write(new KvWriteBatch().delete(key));
        }
        return present;
    }

    @Override
    public void write(KvWriteBatch batch) {
        requireOpen();
        long newApplied = batch.appliedIndex();
        Invariants.check(newApplied == KvWriteBatch.NO_APPLIED_INDEX || newApplied >= appliedIndex,
                "batch moves the applied index back from %d to %d", appliedIndex, newApplied);
        try (WriteBatch rocksBatch = new WriteBatch()) {
            long keyDelta = addKeyWrites(batch, rocksBatch);
            batch.forEachSessionChange(new KvWriteBatch.SessionVisitor() {
                @Override
                public void putSession(KvSession session) {
                    batchPut(rocksBatch, metaFamily, RocksEncoding.sessionKey(session.id()),
                            RocksEncoding.encodeSession(session));
                }

                @Override
                public void deleteSession(long id) {
                    batchDelete(rocksBatch, metaFamily, RocksEncoding.sessionKey(id));
                }
            });
            if (keyDelta != 0) {
                batchPut(rocksBatch, metaFamily, RocksEncoding.KEY_COUNT_KEY, RocksEncoding.encodeLong(keyCount + keyDelta));
            }
            if (newApplied != KvWriteBatch.NO_APPLIED_INDEX) {
                batchPut(rocksBatch, metaFamily, RocksEncoding.APPLIED_KEY, RocksEncoding.encodeLong(newApplied));
            }
            db.write(writeOptions, rocksBatch);
            keyCount += keyDelta;
            if (newApplied != KvWriteBatch.NO_APPLIED_INDEX) {
                appliedIndex = newApplied;
            }
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
    }

    /** Adds the key puts and deletes to {@code rocksBatch}; returns the change in the key count. */
    private long addKeyWrites(KvWriteBatch batch, WriteBatch rocksBatch) {
        long delta = batch.knowsKeyCountDelta() ? batch.keyCountDelta() : lookUpKeyCountDelta(batch);
        batch.forEach(new KvWriteBatch.Visitor() {
            @Override
            public void put(byte[] key, VersionedValue value) {
                batchPut(rocksBatch, dataFamily, key, RocksEncoding.encodeValue(value));
            }

            @Override
            public void delete(byte[] key) {
                batchDelete(rocksBatch, dataFamily, key);
            }
        });
        return delta;
    }

    /** The change in the key count of a batch that did not say whether its keys existed: looked up. */
    private long lookUpKeyCountDelta(KvWriteBatch batch) {
        // Presence of keys already written by this batch (a batch may touch a key twice).
        TreeMap<byte[], Boolean> written = new TreeMap<>(Bytes.UNSIGNED_LEXICOGRAPHIC);
        long[] delta = {0};
        batch.forEach(new KvWriteBatch.Visitor() {
            @Override
            public void put(byte[] key, VersionedValue value) {
                if (!isPresent(key, written)) {
                    delta[0]++;
                }
                written.put(key, Boolean.TRUE);
            }

            @Override
            public void delete(byte[] key) {
                if (isPresent(key, written)) {
                    delta[0]--;
                }
                written.put(key, Boolean.FALSE);
            }
        });
        return delta[0];
    }

    private boolean isPresent(byte[] key, TreeMap<byte[], Boolean> written) {
        Boolean known = written.get(key);
        return known != null ? known : db.keyExists(dataFamily, readOptions, key);
    }

    @Override
    public void clear() {
        requireOpen();
        KvWriteBatch deletes = new KvWriteBatch();
        try (RocksIterator it = db.newIterator(dataFamily, readOptions)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                deletes.delete(it.key());
            }
        }
        write(deletes);
    }

    private void batchPut(WriteBatch rocksBatch, ColumnFamilyHandle family, byte[] key, byte[] value) {
        try {
            rocksBatch.put(family, key, value);
        } catch (RocksDBException e) {
            throw failure("batch put", e);
        }
    }

    private void batchDelete(WriteBatch rocksBatch, ColumnFamilyHandle family, byte[] key) {
        try {
            rocksBatch.delete(family, key);
        } catch (RocksDBException e) {
            throw failure("batch delete", e);
        }
    }

    // ---- Checkpoints and lifecycle -----------------------------------------------------------

    /**
     * Creates a RocksDB checkpoint in {@code target} (which must not exist): memtables are flushed,
     * then SST files are hard-linked (copied across file systems) and the small metadata files
     * copied. Writes are held only for the flush's memtable switch, not for the copy.
     */
    public void checkpoint(Path target) throws IOException {
        requireOpen();
        try (Checkpoint checkpoint = Checkpoint.create(db)) {
            checkpoint.createCheckpoint(target.toString());
        } catch (RocksDBException e) {
            throw new IOException("RocksDB checkpoint of " + directory + " into " + target + " failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Schedules a flush of every memtable on RocksDB's background threads and returns without
     * waiting, so that a checkpoint taken a little later has little left to flush on the caller's
     * thread. Writes go on meanwhile (into new memtables).
     */
    @Override
    public void startBackgroundFlush() {
        requireOpen();
        try {
            flushMemtables(false);
        } catch (RocksDBException e) {
            throw new UncheckedIOException(new IOException("RocksDB background flush of " + directory + " failed: "
                    + e.getMessage(), e));
        }
    }

    private void flushMemtables(boolean wait) throws RocksDBException {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(wait)) {
            db.flush(flush, List.of(dataFamily, metaFamily));
        }
    }

    /** Flushes every memtable to SSTs and syncs the WAL: everything written so far survives a machine crash. */
    public void flushDurably() throws IOException {
        requireOpen();
        try {
            flushMemtables(true);
            if (options.walMode() != RocksKvOptions.WalMode.DISABLED) {
                db.syncWal();
            }
        } catch (RocksDBException e) {
            throw new IOException("RocksDB flush of " + directory + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Closes the database and every native object. Without a WAL the memtables are flushed first,
     * so a clean close loses nothing. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (options.walMode() == RocksKvOptions.WalMode.DISABLED) {
                flushDurably();
            }
        } catch (IOException e) {
            closeQuietly();
            throw new UncheckedIOException(e);
        }
        closeQuietly();
    }

    /**
     * Closes without the flush {@link #close()} does when the WAL is off: for a store whose
     * directory is deleted next (the generation a restore replaces, a discarded staging store).
     * Writing its memtables out first would only cost the restore time.
     */
    void closeForDeletion() {
        if (!closed) {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        closed = true;
        while (!resources.isEmpty()) {
            closeQuietly(resources.pop());
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            // Nothing to do for a native handle that fails to free; the rest still must be freed.
        }
    }

    private boolean hasAnyKey() {
        try (RocksIterator it = db.newIterator(dataFamily, readOptions)) {
            it.seekToFirst();
            return it.isValid();
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.push(resource);
        return resource;
    }

    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> objects, T resource) {
        objects.addLast(resource);
        return resource;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("RocksDB KV store in " + directory + " is closed");
        }
    }

    private UncheckedIOException failure(String operation, RocksDBException e) {
        return new UncheckedIOException(new IOException("RocksDB " + operation + " failed in " + directory + ": "
                + e.getMessage(), e));
    }

    @Override
    public String toString() {
        return "RocksKvStore[" + directory + ", appliedIndex=" + appliedIndex + ", keys=" + keyCount + "]";
    }
}
