package io.ostraka.kv;

import io.ostraka.kv.rocks.RocksKvOptions;
import io.ostraka.kv.rocks.RocksKvStorage;
import io.ostraka.node.StateMachine;
import io.ostraka.raft.Invariants;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The replicated KV store as a {@link StateMachine}: committed {@link KvCommand}s in, encoded
 * {@link KvResult}s out. Used in memory by the simulator and (on RocksDB) by the server.
 *
 * <h2>Apply</h2>
 * For the command at index {@code i}: (1) sessions idle for more than
 * {@link KvConfig#sessionIdleIndexesMax()} indexes expire; (2) the bytes are decoded, and an
 * undecodable command yields INVALID_REQUEST with the decoder's reason, nothing else happening;
 * (3) a command with a session goes through the exactly-once check below; (4) the operation runs
 * (see docs/kv.md) and its writes reach the store as one atomic batch, or not at all.
 *
 * <h2>Sessions (exactly-once)</h2>
 * A command may carry {@code (sessionId, sequence)}; a client numbers its commands 1, 2, 3... and
 * keeps at most one in flight per session. For session {@code s} with remembered sequence
 * {@code last}:
 * <ul>
 *   <li>{@code sequence == last}: a retry; the remembered result bytes are returned, nothing applied;
 *   <li>{@code sequence > last}: applied, and its result becomes the remembered one;
 *   <li>{@code sequence < last}: STALE_SEQUENCE, nothing applied.
 * </ul>
 * A session is opened by an OPEN_SESSION command, whose index becomes the session's id (remembered
 * sequence 0). Any command of an unknown session (never opened, or expired) gets SESSION_EXPIRED
 * and is not applied: its earlier commands, or an earlier attempt of this very command, may have
 * been applied and forgotten, so applying it could apply a retry twice. The client must open a new
 * session. (This is the Raft dissertation's §6.3 rule; when sequence 1 of an unknown session still
 * opened it, a retried first write could apply twice if the session was evicted in between.)
 * Commands encoded in {@link KvCommand#LEGACY_FORMAT_VERSION} keep that old rule, so a log written
 * before replays as it applied.
 *
 * <h2>Reads</h2>
 * {@link #get}, {@link #scan}, {@link #count} and {@link #query} read the current state without
 * going through the log; the runtime calls them after a ReadIndex (or lease) check. Reads can also
 * be proposed as commands, which linearizes them through the log.
 *
 * <h2>Storage and durability</h2>
 * Each applied command reaches the {@link KvStore} as exactly one {@link KvWriteBatch} holding its
 * data writes, the session changes (records, expiries, evictions) and the new applied index — one
 * RocksDB {@code WriteBatch} on {@link #onRocksDb}. A durable store is therefore always exactly at
 * some applied index with matching sessions, and on open the machine reports that index
 * ({@link #appliedIndex()}) so the runtime replays the log from there: a retried write is still
 * deduplicated after a restart. If a store write fails (disk full, I/O error) the in-memory session
 * table may be ahead of the store, so the machine refuses every further call: close and reopen it
 * (it resumes from the durable state and the Raft log).
 *
 * <h2>Snapshots</h2>
 * The stream form ({@link #snapshot}/{@link #restore}) is portable between storages (docs/kv.md).
 * The directory form ({@link #snapshotTo}/{@link #restoreFrom}) uses the storage's native snapshot
 * when it has one: a RocksDB checkpoint (hard links of SST files) with a checksummed manifest.
 * Restores go to a staging store that replaces the current one only once fully checked.
 *
 * <h2>Threading</h2>
 * Like every {@link StateMachine}, used from one thread. {@link #close} releases the store's native
 * resources.
 */
public final class KvStateMachine implements StateMachine, AutoCloseable {
    private final KvConfig config;
    private final KvStorage storage;
    private KvStore store;
    private SessionTable sessions;
    // Invariant: every VersionedValue in store has modIndex <= appliedIndex; appliedIndex only grows
    // through apply (restore may move it anywhere: it replaces the whole state);
    // appliedIndex == store.appliedIndex() between calls.
    private long appliedIndex;
    // Set when a store write or swap failed: the in-memory state can no longer be trusted.
    private RuntimeException failure;
    private boolean closed;

    /**
     * @param storeFactory makes an empty store; called once now, and once per {@link #restore} so a
     *     corrupt snapshot is rejected without touching the current state
     */
    public KvStateMachine(KvConfig config, Supplier<KvStore> storeFactory) {
        this(config, new MemoryKvStorage(storeFactory));
    }

    /**
     * A state machine over {@code storage}, resuming from the applied index and sessions the
     * storage's current store holds (0 and none when new).
     *
     * @throws UncheckedIOException if the store cannot be opened
     */
    public KvStateMachine(KvConfig config, KvStorage storage) {
        this.config = Objects.requireNonNull(config, "config");
        this.storage = Objects.requireNonNull(storage, "storage");
        try {
            this.store = storage.openCurrent();
        } catch (IOException e) {
            closeQuietly(storage);
            throw new UncheckedIOException("cannot open the KV store: " + e.getMessage(), e);
        }
        this.sessions = new SessionTable(config);
        this.appliedIndex = store.appliedIndex();
        long applied = appliedIndex;
        try {
            store.forEachSession(session -> {
                Invariants.check(session.lastActiveIndex() <= applied,
                        "stored session %d last active at %d after the applied index %d", session.id(),
                        session.lastActiveIndex(), applied);
                sessions.restore(session);
            });
        } catch (RuntimeException | Error e) {
            // Release the store and the directory lock: a retry would otherwise be told the
            // directory is in use instead of what is wrong with it.
            store.close();
            closeQuietly(storage);
            throw e;
        }
    }

    /** A state machine on a {@link MemoryKvStore}. */
    public static KvStateMachine inMemory(KvConfig config) {
        return new KvStateMachine(config, MemoryKvStore::new);
    }

    public static KvStateMachine inMemory() {
        return inMemory(KvConfig.DEFAULT);
    }

    /**
     * A durable state machine on RocksDB in {@code dataDir} (created if missing), resuming at the
     * applied index it had when last closed or killed. Close it to release native resources.
     */
    public static KvStateMachine onRocksDb(KvConfig config, Path dataDir) {
        return onRocksDb(config, dataDir, RocksKvOptions.DEFAULT);
    }

    public static KvStateMachine onRocksDb(KvConfig config, Path dataDir, RocksKvOptions options) {
        try {
            return new KvStateMachine(config, RocksKvStorage.open(dataDir, options));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the KV store in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    // ---- Apply -------------------------------------------------------------------------------

    @Override
    public byte[] apply(long index, byte[] command) {
        return applyAll(index, List.of(command)).get(0);
    }

    /**
     * Applies a run of commands with one store write (one RocksDB write batch, WAL record and
     * memtable insert group instead of one per command). Each command reads the store with the
     * earlier commands' writes on top ({@link BatchView}), so results and state are exactly those
     * of applying them one by one; a command that scans or counts first has what came before it
     * written out.
     */
    @Override
    public List<byte[]> applyAll(long firstIndex, List<byte[]> commands) {
        requireUsable();
        Invariants.check(firstIndex > appliedIndex, "apply of index %d after applied index %d", firstIndex, appliedIndex);
        List<byte[]> results = new ArrayList<>(commands.size());
        KvWriteBatch batch = new KvWriteBatch();
        KvStore view = new BatchView(store, batch);
        for (int k = 0; k < commands.size(); k++) {
            long index = firstIndex + k;
            KvCommand.Decoded decoded = KvCommand.decode(commands.get(k));
            if (k > 0 && decoded.isOk() && readsRanges(decoded.command().op())) {
                write(batch.appliedIndex(index - 1));
                batch = new KvWriteBatch();
                view = new BatchView(store, batch);
            }
            results.add(execute(index, decoded, batch, view));
        }
        write(batch.appliedIndex(firstIndex + commands.size() - 1));
        return results;
    }

    private static boolean readsRanges(KvOp op) {
        return op instanceof KvOp.Scan || op instanceof KvOp.Count;
    }

    private void write(KvWriteBatch batch) {
        try {
            store.write(batch);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
        appliedIndex = batch.appliedIndex();
    }

    private byte[] execute(long index, KvCommand.Decoded decoded, KvWriteBatch batch, KvStore view) {
        sessions.expire(index, batch);
        if (!decoded.isOk()) {
            return KvResult.invalidRequest(decoded.error()).encode();
        }
        KvCommand cmd = decoded.command();
        if (cmd.op() instanceof KvOp.OpenSession) {
            if (sessions.get(index) != null) {
                // A session opened by the old rule under a client-chosen id that equals this index:
                // replacing it would let that client's retries apply again, sharing it would mix two
                // clients. Nothing is opened; the client opens again, at another index.
                return KvResult.failure(KvStatus.SESSION_EXPIRED, "session id " + index
                        + " is taken by an older session; nothing was opened; open a session again").encode();
            }
            sessions.open(index, batch);
            return KvResult.builder(KvStatus.OK).integer(index).build().encode();
        }
        if (!cmd.hasSession()) {
            return CommandExecutor.execute(view, cmd.op(), index, batch).encode();
        }
        KvSession session = sessions.get(cmd.sessionId());
        boolean legacyOpen = decoded.version() == KvCommand.LEGACY_FORMAT_VERSION && cmd.sequence() == 1;
        if (session == null && !legacyOpen) {
            return KvResult.failure(KvStatus.SESSION_EXPIRED, "session " + cmd.sessionId()
                    + " is unknown or expired; nothing was applied; open a new session").encode();
        }
        if (session != null && cmd.sequence() < session.lastSequence()) {
            return KvResult.failure(KvStatus.STALE_SEQUENCE, "session " + cmd.sessionId() + " sequence "
                    + cmd.sequence() + " is older than the last applied sequence " + session.lastSequence())
                    .encode();
        }
        if (session != null && cmd.sequence() == session.lastSequence()) {
            sessions.record(session.id(), session.lastSequence(), session.lastResult(), index, batch);
            return session.lastResult();
        }
        byte[] result = CommandExecutor.execute(view, cmd.op(), index, batch).encode();
        sessions.record(cmd.sessionId(), cmd.sequence(), result, index, batch);
        return result;
    }

    /** Applies {@code command} at {@code index} and decodes the result; a convenience for embedders and tests. */
    public KvResult apply(long index, KvCommand command) {
        return KvResult.decode(apply(index, command.encode()));
    }

    @Override
    public long appliedIndex() {
        return appliedIndex;
    }

    // ---- Local reads -------------------------------------------------------------------------

    /** The value of {@code key}: OK with value and version info, or NOT_FOUND. */
    public KvResult get(byte[] key) {
        return query(new KvOp.Get(key));
    }

    /** Up to {@code limit} entries in {@code [start, end)}; {@code end == null}: no upper bound. */
    public KvResult scan(byte[] start, byte[] end, int limit) {
        return query(new KvOp.Scan(start, end, limit));
    }

    /** The number of keys in {@code [start, end)}; {@code end == null}: no upper bound. */
    public KvResult count(byte[] start, byte[] end) {
        return query(new KvOp.Count(start, end));
    }

    /** The number of keys (DBSIZE). */
    public long size() {
        requireUsable();
        return store.size();
    }

    /** Runs a read-only operation (get, scan, count) locally; a write gets INVALID_REQUEST. */
    public KvResult query(KvOp op) {
        requireUsable();
        return CommandExecutor.query(store, Objects.requireNonNull(op, "op"));
    }

    /** The number of client sessions remembered. */
    public int sessionCount() {
        return sessions.size();
    }

    /** The bytes of the results remembered for every session together ({@link KvConfig#sessionResultBytesMax()}). */
    public long sessionResultBytes() {
        return sessions.resultBytes();
    }

    /** The last sequence applied for {@code sessionId}, or 0 if the session is unknown. */
    public long lastSequence(long sessionId) {
        KvSession session = sessions.get(sessionId);
        return session == null ? 0 : session.lastSequence();
    }

    // ---- Snapshots ---------------------------------------------------------------------------

    @Override
    public void snapshot(OutputStream out) throws IOException {
        requireUsable();
        KvSnapshotFormat.write(appliedIndex, sessions, store, out);
    }

    /**
     * Replaces the state with the snapshot in {@code in}, which must have been taken at
     * {@code index}. The snapshot is read into a staging store and checked completely (structure and
     * CRC32C) before it replaces anything.
     *
     * @throws CorruptSnapshotException if the snapshot is damaged, truncated or of another index;
     *     the state is then unchanged
     */
    @Override
    public void restore(long index, InputStream in) throws IOException {
        requireUsable();
        KvStore staging = storage.createStaging();
        SessionTable restoredSessions = new SessionTable(config);
        try {
            KvSnapshotFormat.read(index, in, restoredSessions, staging);
            KvWriteBatch meta = new KvWriteBatch().appliedIndex(index);
            restoredSessions.inIdOrder().forEach(meta::putSession);
            staging.write(meta);
        } catch (IOException | RuntimeException e) {
            storage.discard(staging);
            throw e;
        }
        install(staging, restoredSessions, index);
    }

    /** Starts the store's background flush, so the checkpoint {@link #snapshotTo} takes has little left to flush. */
    @Override
    public void prepareSnapshot() {
        requireUsable();
        store.startBackgroundFlush();
    }

    /**
     * Writes a snapshot into the empty {@code directory}: a RocksDB checkpoint with a checksummed
     * manifest when the storage has native snapshots, else the stream form in one file.
     */
    @Override
    public void snapshotTo(Path directory) throws IOException {
        requireUsable();
        if (storage.writesNativeSnapshots()) {
            storage.writeNativeSnapshot(store, appliedIndex, directory);
        } else {
            StateMachine.super.snapshotTo(directory);
        }
    }

    /**
     * Restores from a directory written by {@link #snapshotTo} at {@code index}: a native snapshot
     * is verified (manifest checksum, every file's size and CRC32C, applied index) into a staging
     * copy that then replaces the store; a stream-form directory is read as by {@link #restore}.
     *
     * @throws CorruptSnapshotException if it is damaged or of another index; the state is unchanged
     */
    @Override
    public void restoreFrom(long index, Path directory) throws IOException {
        requireUsable();
        if (!storage.isNativeSnapshot(directory)) {
            if (!Files.exists(directory.resolve(SNAPSHOT_FILE))) {
                throw new CorruptSnapshotException(RocksKvStorage.isCheckpoint(directory)
                        ? "snapshot " + directory + " is a RocksDB checkpoint, which a state machine in memory cannot restore"
                        : "snapshot " + directory + " has no " + SNAPSHOT_FILE);
            }
            StateMachine.super.restoreFrom(index, directory);
            return;
        }
        KvStore staging = storage.openNativeSnapshot(index, directory);
        SessionTable restoredSessions = new SessionTable(config);
        try {
            Invariants.check(staging.appliedIndex() == index, "verified snapshot at %d offered as %d",
                    staging.appliedIndex(), index);
            staging.forEachSession(restoredSessions::restore);
        } catch (RuntimeException e) {
            storage.discard(staging);
            throw e;
        }
        install(staging, restoredSessions, index);
    }

    private void install(KvStore staging, SessionTable restoredSessions, long index) throws IOException {
        try {
            store = storage.install(store, staging);
        } catch (IOException | RuntimeException e) {
            failure = e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
            throw e;
        }
        sessions = restoredSessions;
        appliedIndex = index;
        Invariants.check(store.appliedIndex() == index, "installed store at %d, expected %d", store.appliedIndex(),
                index);
    }

    /** Releases the store (RocksDB: native handles, the data directory lock). Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            store.close();
        } finally {
            storage.close();
        }
    }

    private static void closeQuietly(KvStorage storage) {
        try {
            storage.close();
        } catch (IOException e) {
            // Already failing to open; the open error is the one to report.
        }
    }

    private void requireUsable() {
        if (closed) {
            throw new IllegalStateException("the KV state machine is closed");
        }
        if (failure != null) {
            throw new IllegalStateException("the KV state machine failed to write its store and must be reopened: "
                    + failure.getMessage(), failure);
        }
    }
}
