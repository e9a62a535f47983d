package io.ostraka.log;

import io.ostraka.raft.Entry;
import io.ostraka.raft.HardState;
import io.ostraka.raft.Invariants;
import io.ostraka.raft.LogView;
import io.ostraka.raft.SnapshotMetadata;
import java.util.Arrays;

/**
 * The durable state of one group as rebuilt from the log: the compaction point, per entry its
 * term and location (segment id and record offset, see {@link Locations}), a bounded cache of
 * the most recent entries, and the hard state and snapshot with the segment holding each.
 *
 * <p>Entry {@code i} lives at array slot {@code start + (i - compactIndex - 1)}. Locations are
 * non-decreasing with the index: appends go to the active segment, truncation replaces a
 * suffix, and relocation rewrites every live entry at once. So the first entry's segment is the
 * oldest segment the group's entries need, which is what purging asks.
 *
 * <p>Not thread-safe: guarded by the owning {@link GroupLog}'s monitor.
 */
final class GroupIndex {
    /** Compaction-point term during recovery when the records before a gap were purged. */
    static final long TERM_UNKNOWN = -1;
    static final long NO_SEGMENT = Long.MAX_VALUE;

    private long compactIndex;
    private long compactTerm;
    private long[] terms = new long[16];
    private long[] locations = new long[16];
    private Entry[] cache = new Entry[16];
    private int start;
    private int count;
    // Invariant: every entry in [max(cacheFrom, firstIndex), lastIndex] has a cache slot.
    private long cacheFrom = 1;
    private long cachedBytes;
    private HardState hardState = HardState.EMPTY;
    private long hardStateSegment = NO_SEGMENT;
    private SnapshotMetadata snapshot = SnapshotMetadata.EMPTY;
    private long baseSegment = NO_SEGMENT;

    long firstIndex() {
        return compactIndex + 1;
    }

    long lastIndex() {
        return compactIndex + count;
    }

    long compactTerm() {
        return compactTerm;
    }

    HardState hardState() {
        return hardState;
    }

    SnapshotMetadata snapshot() {
        return snapshot;
    }

    long term(long index) {
        if (index < compactIndex) {
            throw new LogView.LogCompactedException(index, firstIndex());
        }
        if (index > lastIndex()) {
            throw new IndexOutOfBoundsException("index " + index + " is past the last index " + lastIndex());
        }
        return index == compactIndex ? compactTerm : terms[slot(index)];
    }

    long location(long index) {
        return locations[slot(index)];
    }

    /** The cached entry, or null when it must be read from disk. */
    Entry cached(long index) {
        return index >= cacheFrom ? cache[slot(index)] : null;
    }

    private int slot(long index) {
        if (index <= compactIndex || index > lastIndex()) {
            // Checked before formatting: this runs for every entry appended or read.
            Invariants.check(false, "index %d outside [%d, %d]", index, firstIndex(), lastIndex());
        }
        return start + (int) (index - compactIndex - 1);
    }

    /** Removes every entry at or after {@code index} (which is at most lastIndex + 1). */
    void truncateFrom(long index) {
        Invariants.check(index > compactIndex && index <= lastIndex() + 1,
                "truncating at %d outside [%d, %d]", index, firstIndex(), lastIndex() + 1);
        for (long i = Math.max(index, cacheFrom); i <= lastIndex(); i++) {
            int slot = slot(i);
            cachedBytes -= cache[slot] == null ? 0 : cache[slot].sizeBytes();
            cache[slot] = null;
        }
        count = (int) (index - compactIndex - 1);
        cacheFrom = Math.min(cacheFrom, lastIndex() + 1);
    }

    /** Appends entry {@code lastIndex + 1}; {@code entry} is cached when not null. */
    void append(long term, long location, Entry entry) {
        ensureRoom();
        int slot = start + count;
        count++;
        terms[slot] = term;
        locations[slot] = location;
        if (entry == null || cacheFrom > lastIndex()) {
            dropCache();
            cacheFrom = lastIndex() + 1;
            cache[slot] = null;
        } else {
            cache[slot] = entry;
            cachedBytes += entry.sizeBytes();
        }
    }

    /** Appends entry {@code lastIndex + 1} without caching it: recovery's hot path. */
    void appendUncached(long term, long location) {
        if (cachedBytes > 0) {
            dropCache();
        }
        ensureRoom();
        int slot = start + count;
        count++;
        terms[slot] = term;
        locations[slot] = location;
        cache[slot] = null;
        cacheFrom = compactIndex + count + 1;
    }

    /** Evicts the oldest cached entries until at most {@code cacheBytesMax} remain. */
    void trimCache(long cacheBytesMax) {
        while (cachedBytes > cacheBytesMax && cacheFrom <= lastIndex()) {
            int slot = slot(cacheFrom);
            cachedBytes -= cache[slot].sizeBytes();
            cache[slot] = null;
            cacheFrom++;
        }
    }

    private void dropCache() {
        for (long i = Math.max(cacheFrom, firstIndex()); i <= lastIndex(); i++) {
            cache[slot(i)] = null;
        }
        cachedBytes = 0;
    }

    /** Discards entries up to {@code index}; past the last index the log becomes empty there. */
    void compactTo(long index, long term) {
        if (index <= compactIndex && compactTerm != TERM_UNKNOWN) {
            return;
        }
        if (index >= lastIndex()) {
            dropCache();
            start = 0;
            count = 0;
            compactIndex = index;
            compactTerm = term;
            cacheFrom = index + 1;
            return;
        }
        if (index > compactIndex) {
            for (long i = firstIndex(); i <= index; i++) {
                int slot = slot(i);
                cachedBytes -= cache[slot] == null ? 0 : cache[slot].sizeBytes();
                cache[slot] = null;
            }
            int dropped = (int) (index - compactIndex);
            start += dropped;
            count -= dropped;
            compactIndex = index;
            cacheFrom = Math.max(cacheFrom, index + 1);
        }
        Invariants.check(index != compactIndex || term != TERM_UNKNOWN, "compaction at %d to an unknown term", index);
        compactTerm = index == compactIndex ? term : compactTerm;
    }

    /** Replaces every entry by the compaction point (index, term): the log restarts after it. */
    void reset(long index, long term) {
        dropCache();
        start = 0;
        count = 0;
        compactIndex = index;
        compactTerm = term;
        cacheFrom = index + 1;
    }

    /** Points every live entry at {@code location} (a checkpoint record rewrote them all). */
    void relocateAll(long location) {
        Arrays.fill(locations, start, start + count, location);
    }

    void setHardState(HardState state, long segmentId) {
        hardState = state;
        hardStateSegment = segmentId;
    }

    /**
     * Records the snapshot metadata and the segment of the record that set the compaction point
     * (index and term) along with it: the base record, which recovery needs first.
     */
    void setSnapshot(SnapshotMetadata meta, long segmentId) {
        snapshot = meta;
        baseSegment = segmentId;
    }

    /**
     * Records newer snapshot metadata from a record (in {@code segmentId}) that did not move the
     * compaction point: the base record stays where it is, if there is one. Moving it here let purging delete the record that set the
     * compaction point, and recovery then lost it or failed on the gap before the entries.
     */
    void updateSnapshot(SnapshotMetadata meta, long segmentId) {
        snapshot = meta;
        if (baseSegment == NO_SEGMENT) {
            baseSegment = segmentId; // the compaction point is still the initial one: this record will do
        }
    }

    /** The oldest segment this group needs: its first entry's, its hard state's, its base record's. */
    long oldestSegmentNeeded() {
        long oldest = Math.min(hardStateSegment, baseSegment);
        return count == 0 ? oldest : Math.min(oldest, Locations.segmentId(locations[start]));
    }

    /** True when the group holds anything (entries, hard state or snapshot record) on disk. */
    boolean isEmpty() {
        return count == 0 && hardStateSegment == NO_SEGMENT && baseSegment == NO_SEGMENT;
    }

    private void ensureRoom() {
        if (start + count < terms.length) {
            return;
        }
        int capacity = count * 2 + 16 <= terms.length ? terms.length : Math.max(16, count * 2);
        long[] newTerms = new long[capacity];
        long[] newLocations = new long[capacity];
        Entry[] newCache = new Entry[capacity];
        System.arraycopy(terms, start, newTerms, 0, count);
        System.arraycopy(locations, start, newLocations, 0, count);
        System.arraycopy(cache, start, newCache, 0, count);
        terms = newTerms;
        locations = newLocations;
        cache = newCache;
        start = 0;
    }
}
