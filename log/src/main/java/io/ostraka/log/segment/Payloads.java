package io.ostraka.log.segment;

import io.ostraka.raft.ConfState;
import io.ostraka.raft.Entry;
import io.ostraka.raft.EntryType;
import io.ostraka.raft.HardState;
import io.ostraka.raft.Invariants;
import io.ostraka.raft.SnapshotMetadata;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Encoding of record payloads (big-endian). An entry block is
 * {@code u64 firstIndex, u32 count, count × (u64 term, u8 type, u32 length, bytes)}; the other
 * payloads are laid out in {@code docs/storage-format.md}. Decoders validate what they read with
 * {@link Invariants#check}: a record whose CRC matched but whose payload does not parse is a bug.
 */
public final class Payloads {
    /** Bytes an entry adds to an entry block beyond its data. */
    public static final int ENTRY_OVERHEAD_BYTES = 13;
    public static final int BLOCK_HEADER_BYTES = 12;

    private Payloads() {}

    public static int entriesBytes(List<Entry> entries) {
        int total = BLOCK_HEADER_BYTES;
        for (Entry entry : entries) {
            total += ENTRY_OVERHEAD_BYTES + entry.data().length;
        }
        return total;
    }

    public static byte[] entries(List<Entry> entries) {
        ByteBuffer out = ByteBuffer.allocate(entriesBytes(entries));
        putEntries(out, entries);
        return out.array();
    }

    private static void putEntries(ByteBuffer out, List<Entry> entries) {
        Invariants.check(!entries.isEmpty(), "empty entry block");
        long first = entries.get(0).index();
        out.putLong(first);
        out.putInt(entries.size());
        for (int k = 0; k < entries.size(); k++) {
            Entry entry = entries.get(k);
            Invariants.check(entry.index() == first + k, "entry %d where %d was expected", entry.index(), first + k);
            out.putLong(entry.term());
            out.put((byte) entry.type().ordinal());
            out.putInt(entry.data().length);
            out.put(entry.data());
        }
    }

    /** Decodes an entry block starting at {@code in}'s position, advancing it. */
    public static List<Entry> readEntries(ByteBuffer in) {
        long first = in.getLong();
        int count = in.getInt();
        Invariants.check(count > 0, "entry block with %d entries", count);
        List<Entry> out = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            long term = in.getLong();
            int type = in.get();
            int length = in.getInt();
            if (type < 0 || type >= EntryType.values().length || length < 0 || length > in.remaining()) {
                Invariants.check(false, "entry %d: type %d length %d in a block with %d bytes left", first + k, type, length, in.remaining());
            }
            byte[] data = new byte[length];
            in.get(data);
            out.add(new Entry(term, first + k, EntryType.values()[type], data));
        }
        return out;
    }

    /** Receives the index and term of each entry of a block without decoding data. */
    public interface TermSink {
        void accept(long index, long term);
    }

    /** Walks an entry block at {@code in}'s position, advancing past it; returns the first index. */
    public static long scanTerms(ByteBuffer in, TermSink sink) {
        long first = in.getLong();
        int count = in.getInt();
        Invariants.check(count > 0, "entry block with %d entries", count);
        int position = in.position();
        for (int k = 0; k < count; k++) {
            long term = in.getLong(position);
            int length = in.getInt(position + 9);
            if (length < 0 || position + ENTRY_OVERHEAD_BYTES + length > in.limit()) {
                // Checked before formatting: this runs once per entry during recovery.
                Invariants.check(false, "entry %d of length %d overruns its block", first + k, length);
            }
            sink.accept(first + k, term);
            position += ENTRY_OVERHEAD_BYTES + length;
        }
        in.position(position);
        return first;
    }

    public static byte[] hardState(HardState state) {
        return ByteBuffer.allocate(24).putLong(state.term()).putLong(state.vote()).putLong(state.commit()).array();
    }

    public static HardState readHardState(ByteBuffer in) {
        return new HardState(in.getLong(), in.getLong(), in.getLong());
    }

    public static byte[] snapshot(SnapshotMetadata meta) {
        ByteBuffer out = ByteBuffer.allocate(snapshotBytes(meta));
        putSnapshot(out, meta);
        return out.array();
    }

    static int snapshotBytes(SnapshotMetadata meta) {
        ConfState conf = meta.conf();
        int ids = conf.voters().size() + conf.learners().size() + conf.votersOutgoing().size() + conf.learnersNext().size();
        return 16 + 4 * 4 + 8 * ids + 1;
    }

    public static void putSnapshot(ByteBuffer out, SnapshotMetadata meta) {
        out.putLong(meta.index()).putLong(meta.term());
        ConfState conf = meta.conf();
        putIds(out, conf.voters());
        putIds(out, conf.learners());
        putIds(out, conf.votersOutgoing());
        putIds(out, conf.learnersNext());
        out.put((byte) (conf.autoLeave() ? 1 : 0));
    }

    private static void putIds(ByteBuffer out, Set<Long> ids) {
        out.putInt(ids.size());
        for (long id : ids) {
            out.putLong(id);
        }
    }

    public static SnapshotMetadata readSnapshot(ByteBuffer in) {
        long index = in.getLong();
        long term = in.getLong();
        Set<Long> voters = readIds(in);
        Set<Long> learners = readIds(in);
        Set<Long> outgoing = readIds(in);
        Set<Long> next = readIds(in);
        boolean autoLeave = in.get() != 0;
        return new SnapshotMetadata(index, term, new ConfState(voters, learners, outgoing, next, autoLeave));
    }

    private static Set<Long> readIds(ByteBuffer in) {
        int count = in.getInt();
        Invariants.check(count >= 0 && count * 8L <= in.remaining(), "id set of %d in %d bytes", count, in.remaining());
        Set<Long> ids = new TreeSet<>();
        for (int k = 0; k < count; k++) {
            ids.add(in.getLong());
        }
        return ids;
    }

    /** COMPACT: the snapshot taken, then the compaction point (index and term). */
    public static byte[] compact(SnapshotMetadata meta, long compactIndex, long compactTerm) {
        ByteBuffer out = ByteBuffer.allocate(snapshotBytes(meta) + 16);
        putSnapshot(out, meta);
        out.putLong(compactIndex).putLong(compactTerm);
        return out.array();
    }

    /**
     * CHECKPOINT: snapshot, compaction point, hard state, then an optional entry block
     * ({@code u8 hasEntries} first).
     */
    public static byte[] checkpoint(SnapshotMetadata meta, long compactIndex, long compactTerm,
                                    HardState state, List<Entry> entries) {
        int size = snapshotBytes(meta) + 16 + 24 + 1 + (entries.isEmpty() ? 0 : entriesBytes(entries));
        ByteBuffer out = ByteBuffer.allocate(size);
        putSnapshot(out, meta);
        out.putLong(compactIndex).putLong(compactTerm);
        out.put(hardState(state));
        out.put((byte) (entries.isEmpty() ? 0 : 1));
        if (!entries.isEmpty()) {
            putEntries(out, entries);
        }
        return out.array();
    }

    /** Skips a checkpoint's fixed part; the buffer is then at the optional entry block (after its flag). */
    public static boolean skipToCheckpointEntries(ByteBuffer in) {
        readSnapshot(in);
        in.position(in.position() + 16 + 24);
        return in.get() != 0;
    }
}
