package io.ostraka.log;

import io.ostraka.log.segment.Payloads;
import io.ostraka.log.segment.RecordType;
import io.ostraka.raft.Entry;
import io.ostraka.raft.HardState;
import io.ostraka.raft.Invariants;
import io.ostraka.raft.LogStore;
import io.ostraka.raft.Ready;
import io.ostraka.raft.SnapshotMetadata;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One Raft group's log inside a {@link LogEngine}.
 *
 * <p>Reads ({@link io.ostraka.raft.LogView}) see only <em>durable</em> state: a write becomes
 * visible when its future completes, after its fsync. Writes are asynchronous: {@link #write}
 * validates against the <em>accepted</em> state (durable plus writes still in flight), hands
 * the records to the engine's single writer and returns a future completed on the engine's
 * completion executor once they are durable. Writes of one group are durable and visible in the
 * order they were issued. The synchronous {@link LogStore} methods write and wait, so contract
 * tests run the same assertions against this and {@link io.ostraka.raft.MemoryLog}.
 *
 * <p>Locking: the monitor of this object guards {@link #index} and the accepted state; the
 * writer takes it to apply fsynced records. Disk reads run outside it, holding the segment
 * set's read lock so the segment cannot be purged meanwhile.
 */
public final class GroupLog implements LogStore {
    private final long groupId;
    private final LogEngine engine;
    private final GroupIndex index;
    // Invariant: acceptedCompactIndex <= acceptedLastIndex when no snapshot install is pending
    private long acceptedLastIndex;
    private long acceptedCompactIndex;
    /** The latest write that moved acceptedCompactIndex: entries it covers are durable with it. Guarded by this. */
    private CompletableFuture<Void> compactionWrite = CompletableFuture.completedFuture(null);
    private long acceptedCommit;
    private long acceptedSnapshotIndex;

    GroupLog(long groupId, LogEngine engine, GroupIndex index) {
        this.groupId = groupId;
        this.engine = engine;
        this.index = index;
        this.acceptedLastIndex = index.lastIndex();
        this.acceptedCompactIndex = index.firstIndex() - 1;
        this.acceptedCommit = index.hardState().commit();
        this.acceptedSnapshotIndex = index.snapshot().index();
    }

    public long groupId() {
        return groupId;
    }

    @Override
    public synchronized HardState hardState() {
        return index.hardState();
    }

    @Override
    public synchronized SnapshotMetadata snapshot() {
        return index.snapshot();
    }

    @Override
    public synchronized long firstIndex() {
        return index.firstIndex();
    }

    @Override
    public synchronized long lastIndex() {
        return index.lastIndex();
    }

    @Override
    public synchronized long term(long entryIndex) {
        return index.term(entryIndex);
    }

    @Override
    public List<Entry> entries(long fromInclusive, long toExclusive, long maxBytes) {
        List<Entry> cached = new ArrayList<>();
        long[] locations;
        synchronized (this) {
            if (fromInclusive < index.firstIndex()) {
                throw new LogCompactedException(fromInclusive, index.firstIndex());
            }
            if (toExclusive > index.lastIndex() + 1 || fromInclusive > toExclusive) {
                throw new IndexOutOfBoundsException("group " + groupId + ": range [" + fromInclusive + ", "
                        + toExclusive + ") is outside the log ending at " + index.lastIndex());
            }
            long diskEnd = fromInclusive;
            while (diskEnd < toExclusive && index.cached(diskEnd) == null) {
                diskEnd++;
            }
            locations = new long[(int) (diskEnd - fromInclusive)];
            for (long i = fromInclusive; i < diskEnd; i++) {
                locations[(int) (i - fromInclusive)] = index.location(i);
            }
            for (long i = diskEnd; i < toExclusive; i++) {
                cached.add(index.cached(i));
            }
            if (locations.length > 0) {
                engine.segments().lockForRead();
            }
        }
        List<Entry> out = new ArrayList<>();
        long[] bytes = {0};
        if (locations.length > 0) {
            try {
                readFromDisk(fromInclusive, locations, maxBytes, out, bytes);
            } finally {
                engine.segments().unlockForRead();
            }
        }
        for (Entry entry : cached) {
            if (!take(entry, maxBytes, out, bytes)) {
                break;
            }
        }
        return out;
    }

    private void readFromDisk(long from, long[] locations, long maxBytes, List<Entry> out, long[] bytes) {
        long loaded = -1;
        List<Entry> block = List.of();
        for (int k = 0; k < locations.length; k++) {
            if (locations[k] != loaded || block.isEmpty()) {
                ByteBuffer payload = engine.segments().readEntryBlock(locations[k], groupId);
                block = Payloads.readEntries(payload);
                loaded = locations[k];
            }
            long first = block.get(0).index();
            Entry entry = block.get((int) (from + k - first));
            Invariants.check(entry.index() == from + k, "group %d: read entry %d for %d", groupId, entry.index(), from + k);
            if (!take(entry, maxBytes, out, bytes)) {
                return;
            }
        }
    }

    private static boolean take(Entry entry, long maxBytes, List<Entry> out, long[] bytes) {
        bytes[0] += entry.sizeBytes();
        if (!out.isEmpty() && bytes[0] > maxBytes) {
            return false;
        }
        out.add(entry);
        return true;
    }

    /**
     * Appends {@code entries} (replacing the stored suffix from their first index) and then sets
     * {@code hardState} (when not null), in one durable write. The future completes, on the
     * engine's executor, once both are durable and visible here.
     */
    public CompletableFuture<Void> write(List<Entry> entries, HardState hardState) {
        return write(entries, hardState, false);
    }

    private CompletableFuture<Void> write(List<Entry> entries, HardState hardState, boolean staged) {
        synchronized (this) {
            List<PendingWrite.Record> records = new ArrayList<>(2);
            List<Entry> kept = acceptEntries(entries);
            if (!kept.isEmpty()) {
                records.add(new PendingWrite.Record(this, RecordType.ENTRIES, Payloads.entries(kept), kept));
            }
            if (hardState != null) {
                records.add(new PendingWrite.Record(this, RecordType.HARD_STATE, Payloads.hardState(hardState), null));
                acceptedCommit = hardState.commit();
            }
            if (records.isEmpty() && !entries.isEmpty()) {
                // Every entry is covered by a snapshot install or compaction already accepted:
                // they are durable when that write is, which may still be pending.
                return compactionWrite;
            }
            return engine.submit(records, staged);
        }
    }

    private List<Entry> acceptEntries(List<Entry> entries) {
        if (entries.isEmpty()) {
            return entries;
        }
        long first = entries.get(0).index();
        Invariants.check(first <= acceptedLastIndex + 1, "group %d: append at %d leaves a gap after %d", groupId, first, acceptedLastIndex);
        Invariants.check(first > acceptedCommit, "group %d: append at %d overwrites committed index %d", groupId, first, acceptedCommit);
        for (int k = 1; k < entries.size(); k++) {
            Invariants.check(entries.get(k).index() == first + k, "group %d: entries to append are not consecutive at %d", groupId, first + k);
        }
        List<Entry> kept = entries;
        if (first <= acceptedCompactIndex) {
            int skip = (int) (acceptedCompactIndex + 1 - first);
            kept = skip >= entries.size() ? List.of() : entries.subList(skip, entries.size());
        }
        engine.checkRecordFits(groupId, Payloads.entriesBytes(kept.isEmpty() ? entries : kept));
        if (!kept.isEmpty()) {
            acceptedLastIndex = kept.get(kept.size() - 1).index();
        }
        return List.copyOf(kept);
    }

    public CompletableFuture<Void> appendAsync(List<Entry> entries) {
        return write(entries, null);
    }

    public CompletableFuture<Void> setHardStateAsync(HardState hardState) {
        return write(List.of(), Objects.requireNonNull(hardState));
    }

    /** Replaces the whole log by a snapshot from the leader, durably. */
    public CompletableFuture<Void> installSnapshotAsync(SnapshotMetadata snapshot) {
        return installSnapshot(snapshot, false);
    }

    private synchronized CompletableFuture<Void> installSnapshot(SnapshotMetadata snapshot, boolean staged) {
        Invariants.check(snapshot.index() >= acceptedSnapshotIndex,
                "group %d: installing snapshot %d older than current %d", groupId, snapshot.index(), acceptedSnapshotIndex);
        acceptedSnapshotIndex = snapshot.index();
        acceptedLastIndex = snapshot.index();
        acceptedCompactIndex = snapshot.index();
        compactionWrite = engine.submit(List.of(new PendingWrite.Record(this, RecordType.SNAPSHOT, Payloads.snapshot(snapshot), null)), staged);
        return compactionWrite;
    }

    /**
     * Records a snapshot the state machine took at {@code snapshot.index()} (which must be durable
     * in this log) and compacts entries up to {@code snapshot.index() - trailingEntries}.
     */
    public synchronized CompletableFuture<Void> createSnapshotAsync(SnapshotMetadata snapshot, long trailingEntries) {
        Invariants.check(snapshot.index() <= acceptedLastIndex, "group %d: snapshot %d is past the last index %d", groupId, snapshot.index(), acceptedLastIndex);
        Invariants.check(snapshot.index() >= acceptedSnapshotIndex, "group %d: snapshot %d older than current %d", groupId, snapshot.index(), acceptedSnapshotIndex);
        Invariants.check(snapshot.index() <= index.lastIndex(), "group %d: snapshot %d is not durable yet (durable last index %d)", groupId, snapshot.index(), index.lastIndex());
        Invariants.check(snapshot.index() < index.firstIndex() || index.term(snapshot.index()) == snapshot.term(),
                "group %d: snapshot term %d differs from log term at %d", groupId, snapshot.term(), snapshot.index());
        long compactIndex = Math.max(0, snapshot.index() - Math.max(0, trailingEntries));
        long compactTerm = 0;
        if (compactIndex > acceptedCompactIndex && compactIndex >= index.firstIndex() - 1) {
            compactTerm = index.term(compactIndex);
            acceptedCompactIndex = compactIndex;
        } else {
            compactIndex = 0;
        }
        acceptedSnapshotIndex = snapshot.index();
        byte[] payload = Payloads.compact(snapshot, compactIndex, compactTerm);
        CompletableFuture<Void> written = engine.submit(List.of(new PendingWrite.Record(this, RecordType.COMPACT, payload, null)));
        if (compactIndex > 0) {
            compactionWrite = written;
        }
        return written;
    }

    /** {@link #createSnapshotAsync} keeping the engine's configured number of trailing entries. */
    public CompletableFuture<Void> createSnapshotAsync(SnapshotMetadata snapshot) {
        return createSnapshotAsync(snapshot, engine.config().trailingEntries());
    }

    /**
     * Persists what a {@link Ready} asks for — snapshot, then entries and hard state — as the
     * runtime must before sending the Ready's messages; the future completes when all is durable.
     */
    public CompletableFuture<Void> persist(Ready ready) {
        return persist(ready, false);
    }

    /**
     * {@link #persist} without waking the engine's writer: the write waits in the queue until
     * this thread calls {@link LogEngine#writeStaged()} (which then writes it, with whatever else
     * was staged or queued, and completes the future before returning). For a runtime that owns
     * its thread: it stages every group's Ready in a loop iteration and writes them all at the end.
     */
    public CompletableFuture<Void> stage(Ready ready) {
        return persist(ready, true);
    }

    /** {@link LogEngine#writeStaged()} of this log's engine. */
    public void writeStaged() {
        engine.writeStaged();
    }

    private CompletableFuture<Void> persist(Ready ready, boolean staged) {
        CompletableFuture<Void> snapshotDone = ready.snapshot() == null
                ? null : installSnapshot(ready.snapshot(), staged);
        if (ready.entries().isEmpty() && ready.hardState() == null) {
            return snapshotDone == null ? CompletableFuture.completedFuture(null) : snapshotDone;
        }
        CompletableFuture<Void> rest = write(ready.entries(), ready.hardState(), staged);
        return snapshotDone == null ? rest : CompletableFuture.allOf(snapshotDone, rest);
    }

    @Override
    public void append(List<Entry> entries) {
        await(appendAsync(entries));
    }

    @Override
    public void setHardState(HardState hardState) {
        await(setHardStateAsync(hardState));
    }

    @Override
    public void installSnapshot(SnapshotMetadata snapshot) {
        await(installSnapshotAsync(snapshot));
    }

    @Override
    public void createSnapshot(SnapshotMetadata snapshot, long trailingEntries) {
        await(createSnapshotAsync(snapshot, trailingEntries));
    }

    private static void await(CompletableFuture<Void> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    /** Called by the writer thread once {@code record} is durable at {@code record.location}. */
    synchronized void applyDurable(PendingWrite.Record record) {
        RecordApplier.apply(index, record.type, ByteBuffer.wrap(record.payload), record.location, record.entries);
        Invariants.check(index.compactTerm() != GroupIndex.TERM_UNKNOWN, "group %d: live write left a gap", groupId);
        index.trimCache(engine.cacheBytesPerGroup());
        if (record.type == RecordType.COMPACT || record.type == RecordType.SNAPSHOT) {
            engine.purger().requestPurge();
        }
    }

    /** The oldest segment this group needs, for purging. */
    synchronized long oldestSegmentNeeded() {
        return index.oldestSegmentNeeded();
    }

    /**
     * A CHECKPOINT record carrying this group's whole durable state, so an old segment it pins can
     * be purged; null when its live entries exceed {@code bytesMax} (it keeps the segment).
     */
    synchronized PendingWrite.Record checkpoint(long bytesMax) {
        long first = index.firstIndex();
        long last = index.lastIndex();
        List<Entry> live = List.of();
        if (last >= first) {
            live = entries(first, last + 1, bytesMax);
            if (live.size() != last - first + 1) {
                return null;
            }
        }
        byte[] payload = Payloads.checkpoint(index.snapshot(), first - 1, index.compactTerm(), index.hardState(), live);
        return new PendingWrite.Record(this, RecordType.CHECKPOINT, payload, live);
    }
}
