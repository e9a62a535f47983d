package io.ostraka.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory {@link LogStore}: for tests, the simulator and {@code --storage=memory}.
 *
 * <p>Layout: {@code entries.get(0)} is a sentinel holding the compaction point (index and
 * term of the last discarded entry, or 0/0); real entries follow at consecutive indexes.
 */
public final class MemoryLog implements LogStore {
    // Invariant: entries.get(k).index() == entries.get(0).index() + k
    private final ArrayList<Entry> entries = new ArrayList<>();
    private HardState hardState = HardState.EMPTY;
    private SnapshotMetadata snapshot = SnapshotMetadata.EMPTY;

    public MemoryLog() {
        entries.add(Entry.normal(0, 0, null));
    }

    /** A log that starts from a snapshot, as a node that bootstraps from a configuration does. */
    public static MemoryLog fromSnapshot(SnapshotMetadata snapshot) {
        MemoryLog log = new MemoryLog();
        log.installSnapshot(snapshot);
        return log;
    }

    /** An independent copy: what a crash-simulating disk restores from. */
    public MemoryLog copy() {
        MemoryLog c = new MemoryLog();
        c.entries.clear();
        c.entries.addAll(entries);
        c.hardState = hardState;
        c.snapshot = snapshot;
        return c;
    }

    @Override
    public HardState hardState() {
        return hardState;
    }

    @Override
    public SnapshotMetadata snapshot() {
        return snapshot;
    }

    @Override
    public long firstIndex() {
        return entries.get(0).index() + 1;
    }

    @Override
    public long lastIndex() {
        return entries.get(0).index() + entries.size() - 1;
    }

    @Override
    public long term(long index) {
        long offset = entries.get(0).index();
        if (index < offset) {
            throw new LogCompactedException(index, firstIndex());
        }
        if (index > lastIndex()) {
            throw new IndexOutOfBoundsException("index " + index + " is past the last index " + lastIndex());
        }
        return entries.get((int) (index - offset)).term();
    }

    @Override
    public List<Entry> entries(long fromInclusive, long toExclusive, long maxBytes) {
        if (fromInclusive < firstIndex()) {
            throw new LogCompactedException(fromInclusive, firstIndex());
        }
        if (toExclusive > lastIndex() + 1 || fromInclusive > toExclusive) {
            throw new IndexOutOfBoundsException("range [" + fromInclusive + ", " + toExclusive
                    + ") is outside the log ending at " + lastIndex());
        }
        long offset = entries.get(0).index();
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = fromInclusive; i < toExclusive; i++) {
            Entry e = entries.get((int) (i - offset));
            bytes += e.sizeBytes();
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    @Override
    public void append(List<Entry> newEntries) {
        if (newEntries.isEmpty()) {
            return;
        }
        long first = newEntries.get(0).index();
        Invariants.check(first <= lastIndex() + 1, "append at %d leaves a gap after %d", first, lastIndex());
        Invariants.check(first > hardState.commit(), "append at %d overwrites committed index %d", first, hardState.commit());
        for (int k = 1; k < newEntries.size(); k++) {
            Invariants.check(newEntries.get(k).index() == first + k, "entries to append are not consecutive at %d", first + k);
        }
        long offset = entries.get(0).index();
        if (first <= offset) {
            // Everything we would keep is already compacted behind a snapshot: skip the covered prefix.
            int skip = (int) (offset + 1 - first);
            if (skip >= newEntries.size()) {
                return;
            }
            newEntries = newEntries.subList(skip, newEntries.size());
            first = offset + 1;
        }
        int keep = (int) (first - offset);
        entries.subList(keep, entries.size()).clear();
        entries.addAll(newEntries);
    }

    @Override
    public void setHardState(HardState hardState) {
        this.hardState = Objects.requireNonNull(hardState);
    }

    @Override
    public void installSnapshot(SnapshotMetadata snapshot) {
        Invariants.check(snapshot.index() >= this.snapshot.index(),
                "installing snapshot %d older than current %d", snapshot.index(), this.snapshot.index());
        this.snapshot = snapshot;
        entries.clear();
        entries.add(Entry.normal(snapshot.term(), snapshot.index(), null));
    }

    @Override
    public void createSnapshot(SnapshotMetadata snapshot, long trailingEntries) {
        Invariants.check(snapshot.index() <= lastIndex(), "snapshot %d is past the last index %d", snapshot.index(), lastIndex());
        Invariants.check(snapshot.index() >= this.snapshot.index(), "snapshot %d older than current %d", snapshot.index(), this.snapshot.index());
        Invariants.check(snapshot.index() < firstIndex() || term(snapshot.index()) == snapshot.term(),
                "snapshot term %d differs from log term at %d", snapshot.term(), snapshot.index());
        this.snapshot = snapshot;
        compact(Math.max(0, snapshot.index() - Math.max(0, trailingEntries)));
    }

    /** Discards entries up to and including {@code compactIndex} (at most the snapshot index). */
    public void compact(long compactIndex) {
        long offset = entries.get(0).index();
        if (compactIndex <= offset) {
            return;
        }
        Invariants.check(compactIndex <= snapshot.index(), "compacting to %d beyond snapshot %d", compactIndex, snapshot.index());
        int cut = (int) (compactIndex - offset);
        Entry pivot = entries.get(cut);
        entries.subList(0, cut + 1).clear();
        entries.add(0, new Entry(pivot.term(), pivot.index(), EntryType.NORMAL, null));
    }
}
