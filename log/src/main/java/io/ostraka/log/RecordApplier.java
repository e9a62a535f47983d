package io.ostraka.log;

import io.ostraka.log.segment.Payloads;
import io.ostraka.log.segment.RecordType;
import io.ostraka.raft.Entry;
import io.ostraka.raft.HardState;
import io.ostraka.raft.Invariants;
import io.ostraka.raft.SnapshotMetadata;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The meaning of each record type, applied to a {@link GroupIndex}. Recovery replays records
 * through here and the writer applies freshly fsynced records through here too, so a log is
 * always rebuilt exactly the way it was built — including suffix truncation: an entry block
 * whose first index is at most the last index replaces the suffix from that index.
 */
final class RecordApplier {
    private RecordApplier() {}

    /**
     * Applies one record. {@code entries} are the decoded entries of an ENTRIES or CHECKPOINT
     * record to keep in the cache, or null during recovery.
     */
    static void apply(GroupIndex index, RecordType type, ByteBuffer payload, long location, List<Entry> entries) {
        long segmentId = Locations.segmentId(location);
        switch (type) {
            case ENTRIES -> appendBlock(index, payload, location, entries);
            case HARD_STATE -> index.setHardState(Payloads.readHardState(payload), segmentId);
            case SNAPSHOT -> {
                SnapshotMetadata meta = Payloads.readSnapshot(payload);
                index.reset(meta.index(), meta.term());
                index.setSnapshot(meta, segmentId);
            }
            case COMPACT -> {
                SnapshotMetadata meta = Payloads.readSnapshot(payload);
                long compactIndex = payload.getLong();
                long compactTerm = payload.getLong();
                if (compactIndex > 0) {
                    index.compactTo(compactIndex, compactTerm);
                    index.setSnapshot(meta, segmentId);
                } else {
                    // Nothing compacted: the record that set the compaction point stays the base,
                    // so purging keeps it (this one, newer, is kept with it).
                    index.updateSnapshot(meta, segmentId);
                }
            }
            case CHECKPOINT -> {
                SnapshotMetadata meta = Payloads.readSnapshot(payload);
                long compactIndex = payload.getLong();
                long compactTerm = payload.getLong();
                HardState state = Payloads.readHardState(payload);
                boolean hasEntries = payload.get() != 0;
                index.reset(compactIndex, compactTerm);
                index.setSnapshot(meta, segmentId);
                index.setHardState(state, segmentId);
                if (hasEntries) {
                    appendBlock(index, payload, location, entries);
                }
            }
            case SEAL -> { }
        }
    }

    private static void appendBlock(GroupIndex index, ByteBuffer block, long location, List<Entry> entries) {
        long first = block.getLong(block.position());
        if (first > index.lastIndex() + 1) {
            // Only in recovery: the records before were in a purged segment. A later compaction
            // or checkpoint must cover the gap, or recovery fails (Recovery.Replay.checkNoGaps).
            index.reset(first - 1, GroupIndex.TERM_UNKNOWN);
        } else {
            index.truncateFrom(Math.max(first, index.firstIndex()));
        }
        if (entries == null) {
            appendUncached(index, block, location);
            return;
        }
        Payloads.scanTerms(block, (entryIndex, term) -> {
            if (entryIndex == index.lastIndex() + 1) {
                index.append(term, location, entries.get((int) (entryIndex - first)));
            }
        });
    }

    /** Recovery's loop over an entry block: terms only, no lambda, no allocation. */
    private static void appendUncached(GroupIndex index, ByteBuffer block, long location) {
        int position = block.position();
        long first = block.getLong(position);
        int count = block.getInt(position + 8);
        position += Payloads.BLOCK_HEADER_BYTES;
        for (int k = 0; k < count; k++) {
            long term = block.getLong(position);
            int length = block.getInt(position + 9);
            position += Payloads.ENTRY_OVERHEAD_BYTES + length;
            if (length < 0 || position > block.limit()) {
                Invariants.check(false, "entry %d of length %d overruns its block", first + k, length);
            }
            if (first + k == index.lastIndex() + 1) {
                index.appendUncached(term, location);
            }
        }
        block.position(position);
    }
}
