package io.ostraka.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The core's whole log: the stable part read through {@link LogView} and the unstable tail
 * (entries, or a snapshot to install) that the runtime has not yet persisted.
 *
 * <pre>
 *   snapshot.index  firstIndex ........ stable lastIndex | unstable entries ...... lastIndex
 *                                  applied <= committed <= lastIndex
 * </pre>
 *
 * Package-private: only {@link Raft} changes it.
 */
final class RaftLog {
    static final long UNKNOWN_TERM = -1;

    private final LogView storage;
    /** A snapshot received from the leader and not yet installed by the runtime, or null. */
    private SnapshotMetadata unstableSnapshot;
    /** Entries not yet persisted; the first has index {@code unstableOffset}. */
    private final ArrayList<Entry> unstable = new ArrayList<>();
    private long unstableOffset;
    // Invariant: applied <= committed <= lastIndex()
    private long committed;
    private long applied;
    private final long maxApplyBytes;

    RaftLog(LogView storage, long appliedIndex, long maxApplyBytes) {
        this.storage = storage;
        this.maxApplyBytes = maxApplyBytes;
        this.unstableOffset = storage.lastIndex() + 1;
        this.committed = storage.hardState().commit();
        long snapshotIndex = storage.snapshot().index();
        this.applied = Math.max(appliedIndex, Math.max(snapshotIndex, storage.firstIndex() - 1));
        Invariants.check(committed <= storage.lastIndex(),
                "persisted commit %d is past the persisted last index %d: the log lost entries", committed, storage.lastIndex());
        if (applied > committed) {
            // The state machine can be ahead of a commit index persisted lazily; both are facts.
            committed = applied;
            Invariants.check(committed <= storage.lastIndex(), "applied %d is past the last index %d", applied, storage.lastIndex());
        }
    }

    long committed() { return committed; }
    long applied() { return applied; }
    LogView storage() { return storage; }

    long firstIndex() {
        return unstableSnapshot != null ? unstableSnapshot.index() + 1 : storage.firstIndex();
    }

    long lastIndex() {
        if (!unstable.isEmpty()) {
            return unstableOffset + unstable.size() - 1;
        }
        return unstableSnapshot != null ? unstableSnapshot.index() : storage.lastIndex();
    }

    long lastTerm() {
        long t = term(lastIndex());
        Invariants.check(t != UNKNOWN_TERM, "term of last index %d unknown", lastIndex());
        return t;
    }

    /** The term at {@code index}, or {@link #UNKNOWN_TERM} when it is compacted or past the end. */
    long term(long index) {
        if (index < firstIndex() - 1 || index > lastIndex()) {
            return UNKNOWN_TERM;
        }
        if (index >= unstableOffset && !unstable.isEmpty()) {
            return unstable.get((int) (index - unstableOffset)).term();
        }
        if (unstableSnapshot != null) {
            Invariants.check(index == unstableSnapshot.index(), "term(%d) while snapshot %d is pending", index, unstableSnapshot.index());
            return unstableSnapshot.term();
        }
        try {
            return storage.term(index);
        } catch (LogView.LogCompactedException e) {
            return UNKNOWN_TERM; // compacted concurrently by the runtime
        }
    }

    boolean matchTerm(long index, long term) {
        long t = term(index);
        return t != UNKNOWN_TERM && t == term;
    }

    /** Raft §5.4.1: is a log ending at (lastIndex, lastTerm) at least as up to date as ours? */
    boolean isUpToDate(long lastIndex, long lastTerm) {
        long ourTerm = lastTerm();
        return lastTerm > ourTerm || (lastTerm == ourTerm && lastIndex >= lastIndex());
    }

    /**
     * The index of the first entry whose term conflicts with ours, the index of the first new
     * entry when all overlap matches, or 0 when every entry is already present.
     */
    long findConflict(List<Entry> entries) {
        for (Entry e : entries) {
            if (!matchTerm(e.index(), e.term())) {
                return e.index();
            }
        }
        return 0;
    }

    /**
     * Fast backtracking (etcd's findConflictByTerm): the largest index at or below {@code index}
     * whose term is at most {@code term}. The leader and follower use it to skip a whole term of
     * mismatched entries per round trip instead of one entry.
     */
    long findConflictByTerm(long index, long term) {
        long i = Math.min(index, lastIndex());
        while (i >= firstIndex()) {
            long t = term(i);
            if (t != UNKNOWN_TERM && t <= term) {
                return i;
            }
            i--;
        }
        return Math.max(0, firstIndex() - 1);
    }

    /** Stores entries in the unstable tail, discarding any conflicting suffix first. */
    void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        long first = entries.get(0).index();
        Invariants.check(first > committed, "appending at %d would overwrite committed index %d", first, committed);
        Invariants.check(first <= lastIndex() + 1, "appending at %d leaves a gap after %d", first, lastIndex());
        if (first == unstableOffset + unstable.size()) {
            unstable.addAll(entries);
        } else if (first <= unstableOffset) {
            // Replaces the whole unstable tail (and possibly part of the stable log).
            unstableOffset = first;
            unstable.clear();
            unstable.addAll(entries);
        } else {
            unstable.subList((int) (first - unstableOffset), unstable.size()).clear();
            unstable.addAll(entries);
        }
    }

    /**
     * Entries {@code [lo, hi)} from storage and the unstable tail, capped at {@code maxBytes} (at
     * least one). Throws
     * {@link LogView.LogCompactedException} when {@code lo} is compacted: the runtime's storage may
     * compact concurrently (a snapshot recorded on a writer thread), so a caller that checked
     * {@link #isCompacted} just before can still meet it.
     */
    List<Entry> entries(long lo, long hi, long maxBytes) {
        long first = firstIndex();
        if (lo < first) {
            throw new LogView.LogCompactedException(lo, first);
        }
        Invariants.check(hi <= lastIndex() + 1 && lo <= hi,
                "entries [%d, %d) outside [%d, %d]", lo, hi, first, lastIndex());
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        if (lo < unstableOffset) {
            List<Entry> stored = storage.entries(lo, Math.min(hi, unstableOffset), maxBytes);
            for (Entry e : stored) {
                bytes += e.sizeBytes();
            }
            out.addAll(stored);
            if (out.size() < Math.min(hi, unstableOffset) - lo) {
                return out; // size limit reached inside the stable part
            }
        }
        for (long i = Math.max(lo, unstableOffset); i < hi; i++) {
            Entry e = unstable.get((int) (i - unstableOffset));
            bytes += e.sizeBytes();
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    /** Whether {@code index} is compacted (entries from it cannot be read). */
    boolean isCompacted(long index) {
        return index < firstIndex();
    }

    void commitTo(long index) {
        if (index <= committed) {
            return;
        }
        Invariants.check(index <= lastIndex(), "commit %d is past the last index %d", index, lastIndex());
        committed = index;
    }

    void appliedTo(long index) {
        if (index == 0) {
            return;
        }
        Invariants.check(index <= committed && index >= applied,
                "applied %d outside [%d, committed %d]", index, applied, committed);
        applied = index;
    }

    boolean hasUnstableEntries() {
        return !unstable.isEmpty();
    }

    List<Entry> unstableEntries() {
        return List.copyOf(unstable);
    }

    SnapshotMetadata unstableSnapshot() {
        return unstableSnapshot;
    }

    boolean hasNextCommittedEntries() {
        return unstableSnapshot == null && committed > applied;
    }

    List<Entry> nextCommittedEntries() {
        if (!hasNextCommittedEntries()) {
            return List.of();
        }
        return entries(Math.max(applied + 1, firstIndex()), committed + 1, maxApplyBytes);
    }

    /** The runtime persisted the unstable entries up to (index, term). */
    /** The last index known durable: everything before the unstable tail. */
    long stableLastIndex() {
        return unstable.isEmpty() ? lastIndex() : unstableOffset - 1;
    }

    void stableTo(long index, long term) {
        if (unstable.isEmpty() || index < unstableOffset) {
            return;
        }
        long t = term(index);
        // If the entry was replaced after the Ready was handed out, the newer one is still unstable.
        if (t == term && index < unstableOffset + unstable.size()) {
            unstable.subList(0, (int) (index + 1 - unstableOffset)).clear();
            unstableOffset = index + 1;
        }
    }

    void stableSnapshotTo(long index) {
        if (unstableSnapshot != null && unstableSnapshot.index() == index) {
            unstableSnapshot = null;
        }
    }

    /** Discards the whole log in favour of a snapshot from the leader. */
    void restore(SnapshotMetadata snapshot) {
        Invariants.check(snapshot.index() > committed, "restoring snapshot %d at or below commit %d", snapshot.index(), committed);
        unstableSnapshot = snapshot;
        unstable.clear();
        unstableOffset = snapshot.index() + 1;
        committed = snapshot.index();
    }

    /** After the runtime installed a snapshot the state machine is at its index. */
    void appliedSnapshot(long index) {
        applied = Math.max(applied, index);
    }

    @Override
    public String toString() {
        return "log[first=" + firstIndex() + " last=" + lastIndex() + " committed=" + committed
                + " applied=" + applied + " unstable=" + unstableOffset + "+" + unstable.size() + "]";
    }
}
