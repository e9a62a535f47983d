package io.ostraka.kv;

import io.ostraka.raft.Invariants;
import java.util.Comparator;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Client sessions for exactly-once writes (Raft dissertation §6.3): per session the latest
 * sequence applied and the encoded result it returned, and the index of its last command.
 *
 * <p>Expiry is a function of the log alone: before each command at index {@code i}, every session
 * whose last activity is below {@code i - sessionIdleIndexesMax} is dropped; and opening a session
 * beyond {@code sessionsMax} drops the least recently active one. Both orders are total
 * (activity index, then session id), so all replicas drop the same sessions at the same index.
 * Remembered results are bounded in total too: a result that takes them past
 * {@link KvConfig#sessionResultBytesMax()} drops the least recently active other sessions until
 * they fit (the same function of the log, so the same drops everywhere).
 *
 * <p>Every change made while applying a command is also added to that command's
 * {@link KvWriteBatch}, so a durable store persists the table atomically with the data.
 */
final class SessionTable {
    private final KvConfig config;
    private final TreeMap<Long, KvSession> byId = new TreeMap<>();
    // Invariant: byActivity holds exactly the sessions of byId, ordered by (lastActiveIndex, id).
    private final TreeSet<KvSession> byActivity = new TreeSet<>(
            Comparator.comparingLong(KvSession::lastActiveIndex).thenComparingLong(KvSession::id));
    /** The bytes of every session's remembered result. */
    private long resultBytes;

    SessionTable(KvConfig config) {
        this.config = config;
    }

    KvSession get(long id) {
        return byId.get(id);
    }

    int size() {
        return byId.size();
    }

    /**
     * Drops the sessions idle for more than the configured number of indexes before {@code index},
     * recording the drops in {@code changes}.
     */
    void expire(long index, KvWriteBatch changes) {
        long oldestKept = index - config.sessionIdleIndexesMax();
        while (!byActivity.isEmpty() && byActivity.first().lastActiveIndex() < oldestKept) {
            remove(byActivity.first(), changes);
        }
    }

    /**
     * Opens the session whose id is {@code index}, the index of its OPEN_SESSION command, with
     * nothing applied yet (sequence 0); the record (and an eviction, if any) goes into
     * {@code changes}. Ids of sessions opened this way never repeat; the caller makes sure no
     * session opened by the old rule holds {@code index}.
     */
    void open(long index, KvWriteBatch changes) {
        Invariants.check(!byId.containsKey(index), "session %d already exists", index);
        if (byId.size() >= config.sessionsMax()) {
            remove(byActivity.first(), changes);
        }
        KvSession session = new KvSession(index, 0, new byte[0], index);
        add(session);
        changes.putSession(session);
    }

    /**
     * Records that session {@code id} applied {@code sequence} at {@code index} with {@code result};
     * the new record (and an eviction, if any) goes into {@code changes}.
     */
    void record(long id, long sequence, byte[] result, long index, KvWriteBatch changes) {
        KvSession previous = byId.get(id);
        if (previous != null) {
            Invariants.check(sequence >= previous.lastSequence(), "session %d sequence %d after %d", id,
                    sequence, previous.lastSequence());
            remove(previous, null);
        } else if (byId.size() >= config.sessionsMax()) {
            remove(byActivity.first(), changes);
        }
        KvSession session = new KvSession(id, sequence, result, index);
        add(session);
        // The newest session is the last by activity (its index is the highest): never dropped here.
        while (resultBytes > config.sessionResultBytesMax() && byActivity.first() != session) {
            remove(byActivity.first(), changes);
        }
        changes.putSession(session);
    }

    /** The bytes of every session's remembered result. */
    long resultBytes() {
        return resultBytes;
    }

    /** Visits sessions in id order (for snapshots). */
    Iterable<KvSession> inIdOrder() {
        return byId.values();
    }

    /** Adds a session read from a snapshot or a store; ids must arrive in increasing order. */
    void restore(KvSession session) {
        Invariants.check(byId.isEmpty() || byId.lastKey() < session.id(), "session %d restored out of order",
                session.id());
        add(session);
    }

    private void add(KvSession session) {
        byId.put(session.id(), session);
        byActivity.add(session);
        resultBytes += session.lastResult().length;
        Invariants.check(byId.size() == byActivity.size(), "session indexes disagree: %d by id, %d by activity",
                byId.size(), byActivity.size());
    }

    private void remove(KvSession session, KvWriteBatch changes) {
        byId.remove(session.id());
        boolean removed = byActivity.remove(session);
        resultBytes -= session.lastResult().length;
        Invariants.check(removed, "session %d missing from the activity order", session.id());
        if (changes != null) {
            changes.deleteSession(session.id());
        }
    }
}
