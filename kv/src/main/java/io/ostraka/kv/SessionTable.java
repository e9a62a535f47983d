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
 */
final class SessionTable {
    private final KvConfig config;
    private final TreeMap<Long, Session> byId = new TreeMap<>();
    // Invariant: byActivity holds exactly the sessions of byId, ordered by (lastActiveIndex, id).
    private final TreeSet<Session> byActivity = new TreeSet<>(
            Comparator.comparingLong(Session::lastActiveIndex).thenComparingLong(Session::id));

    SessionTable(KvConfig config) {
        this.config = config;
    }

    /** A session as remembered; {@code lastResult} is the exact encoded result bytes. */
    record Session(long id, long lastSequence, byte[] lastResult, long lastActiveIndex) {}

    Session get(long id) {
        return byId.get(id);
    }

    int size() {
        return byId.size();
    }

    /** Drops the sessions idle for more than the configured number of indexes before {@code index}. */
    void expire(long index) {
        long oldestKept = index - config.sessionIdleIndexesMax();
        while (!byActivity.isEmpty() && byActivity.first().lastActiveIndex() < oldestKept) {
            remove(byActivity.first());
        }
    }

    /** Records that session {@code id} applied {@code sequence} at {@code index} with {@code result}. */
    void record(long id, long sequence, byte[] result, long index) {
        Session previous = byId.get(id);
        if (previous != null) {
            Invariants.check(sequence >= previous.lastSequence(), "session %d sequence %d after %d", id,
                    sequence, previous.lastSequence());
            remove(previous);
        } else if (byId.size() >= config.sessionsMax()) {
            remove(byActivity.first());
        }
        add(new Session(id, sequence, result, index));
    }

    /** Visits sessions in id order (for snapshots). */
    Iterable<Session> inIdOrder() {
        return byId.values();
    }

    /** Adds a session read from a snapshot; ids must arrive in increasing order. */
    void restore(Session session) {
        Invariants.check(byId.isEmpty() || byId.lastKey() < session.id(), "session %d restored out of order",
                session.id());
        add(session);
    }

    void clear() {
        byId.clear();
        byActivity.clear();
    }

    private void add(Session session) {
        byId.put(session.id(), session);
        byActivity.add(session);
        Invariants.check(byId.size() == byActivity.size(), "session indexes disagree: %d by id, %d by activity",
                byId.size(), byActivity.size());
    }

    private void remove(Session session) {
        byId.remove(session.id());
        boolean removed = byActivity.remove(session);
        Invariants.check(removed, "session %d missing from the activity order", session.id());
    }
}
