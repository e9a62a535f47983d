package io.ostraka.kv;

import io.ostraka.node.StateMachine;
import io.ostraka.raft.Invariants;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
 * An unknown session (never seen, or expired) is opened by sequence 1. Any higher sequence from an
 * unknown session gets SESSION_EXPIRED and is not applied: its earlier commands may have been
 * applied and forgotten, so applying it could apply a retry twice. The client must start a new
 * session. (This is the Raft dissertation's §6.3 rule.)
 *
 * <h2>Reads</h2>
 * {@link #get}, {@link #scan}, {@link #count} and {@link #query} read the current state without
 * going through the log; the runtime calls them after a ReadIndex (or lease) check. Reads can also
 * be proposed as commands, which linearizes them through the log.
 *
 * <h2>Threading</h2>
 * Like every {@link StateMachine}, used from one thread.
 */
public final class KvStateMachine implements StateMachine {
    private final KvConfig config;
    private final Supplier<KvStore> storeFactory;
    private KvStore store;
    private SessionTable sessions;
    // Invariant: every VersionedValue in store has modIndex <= appliedIndex; appliedIndex only grows
    // through apply (restore may move it anywhere: it replaces the whole state).
    private long appliedIndex;

    /**
     * @param storeFactory makes an empty store; called once now, and once per {@link #restore} so a
     *     corrupt snapshot is rejected without touching the current state
     */
    public KvStateMachine(KvConfig config, Supplier<KvStore> storeFactory) {
        this.config = Objects.requireNonNull(config, "config");
        this.storeFactory = Objects.requireNonNull(storeFactory, "storeFactory");
        this.store = newEmptyStore();
        this.sessions = new SessionTable(config);
    }

    /** A state machine on a {@link MemoryKvStore}. */
    public static KvStateMachine inMemory(KvConfig config) {
        return new KvStateMachine(config, MemoryKvStore::new);
    }

    public static KvStateMachine inMemory() {
        return inMemory(KvConfig.DEFAULT);
    }

    // ---- Apply -------------------------------------------------------------------------------

    @Override
    public byte[] apply(long index, byte[] command) {
        Invariants.check(index > appliedIndex, "apply of index %d after applied index %d", index, appliedIndex);
        appliedIndex = index;
        sessions.expire(index);
        KvCommand.Decoded decoded = KvCommand.decode(command);
        if (!decoded.isOk()) {
            return KvResult.invalidRequest(decoded.error()).encode();
        }
        KvCommand cmd = decoded.command();
        if (!cmd.hasSession()) {
            return CommandExecutor.execute(store, cmd.op(), index).encode();
        }
        SessionTable.Session session = sessions.get(cmd.sessionId());
        if (session == null && cmd.sequence() > 1) {
            return KvResult.failure(KvStatus.SESSION_EXPIRED, "session " + cmd.sessionId()
                    + " is unknown or expired and sequence " + cmd.sequence()
                    + " is not 1; start a new session").encode();
        }
        if (session != null && cmd.sequence() < session.lastSequence()) {
            return KvResult.failure(KvStatus.STALE_SEQUENCE, "session " + cmd.sessionId() + " sequence "
                    + cmd.sequence() + " is older than the last applied sequence " + session.lastSequence())
                    .encode();
        }
        if (session != null && cmd.sequence() == session.lastSequence()) {
            sessions.record(session.id(), session.lastSequence(), session.lastResult(), index);
            return session.lastResult();
        }
        byte[] result = CommandExecutor.execute(store, cmd.op(), index).encode();
        sessions.record(cmd.sessionId(), cmd.sequence(), result, index);
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
        return CommandExecutor.query(store, new KvOp.Get(key));
    }

    /** Up to {@code limit} entries in {@code [start, end)}; {@code end == null}: no upper bound. */
    public KvResult scan(byte[] start, byte[] end, int limit) {
        return CommandExecutor.query(store, new KvOp.Scan(start, end, limit));
    }

    /** The number of keys in {@code [start, end)}; {@code end == null}: no upper bound. */
    public KvResult count(byte[] start, byte[] end) {
        return CommandExecutor.query(store, new KvOp.Count(start, end));
    }

    /** The number of keys (DBSIZE). */
    public long size() {
        return store.size();
    }

    /** Runs a read-only operation (get, scan, count) locally; a write gets INVALID_REQUEST. */
    public KvResult query(KvOp op) {
        return CommandExecutor.query(store, Objects.requireNonNull(op, "op"));
    }

    /** The number of client sessions remembered. */
    public int sessionCount() {
        return sessions.size();
    }

    /** The last sequence applied for {@code sessionId}, or 0 if the session is unknown. */
    public long lastSequence(long sessionId) {
        SessionTable.Session session = sessions.get(sessionId);
        return session == null ? 0 : session.lastSequence();
    }

    // ---- Snapshots ---------------------------------------------------------------------------

    @Override
    public void snapshot(OutputStream out) throws IOException {
        KvSnapshotFormat.write(appliedIndex, sessions, store, out);
    }

    /**
     * Replaces the state with the snapshot in {@code in}, which must have been taken at
     * {@code index}. The snapshot is read into a fresh store and checked completely (structure and
     * CRC32C) before it replaces anything.
     *
     * @throws CorruptSnapshotException if the snapshot is damaged, truncated or of another index;
     *     the state is then unchanged
     */
    @Override
    public void restore(long index, InputStream in) throws IOException {
        KvStore restoredStore = newEmptyStore();
        SessionTable restoredSessions = new SessionTable(config);
        KvSnapshotFormat.read(index, in, restoredSessions, restoredStore);
        store = restoredStore;
        sessions = restoredSessions;
        appliedIndex = index;
    }

    private KvStore newEmptyStore() {
        KvStore fresh = Objects.requireNonNull(storeFactory.get(), "storeFactory returned null");
        Invariants.check(fresh.size() == 0, "storeFactory returned a store with %d keys", fresh.size());
        return fresh;
    }
}
