package io.ostraka.log.segment;

import io.ostraka.raft.Invariants;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The record framing inside a segment (big-endian):
 *
 * <pre>
 *  0  u32  crc32c over bytes [4, 28 + payloadLength): the rest of the header and the payload
 *  4  u16  magic 0x4F4C ("OL")
 *  6  u8   type ({@link RecordType} code)
 *  7  u8   flags: bit 0 = last record of its write (the byte range written before one fsync)
 *  8  u32  payloadLength
 * 12  u64  writeSeq: engine-wide number of the write (group commit) the record belongs to
 * 20  u64  groupId (0 for SEAL)
 * 28  ...  payload
 * </pre>
 *
 * <p>Preallocated segments are zero-filled, so an all-zero header marks the end of the data. The
 * write sequence and the last-in-write flag let recovery tell a torn tail (damage confined to the
 * last write, which was never acknowledged) from damage to data that an fsync had completed.
 */
public final class RecordFormat {
    public static final int HEADER_BYTES = 28;
    public static final short MAGIC = 0x4F4C;
    public static final int FLAG_LAST_IN_WRITE = 1;

    private RecordFormat() {}

    /** Appends one record to {@code out}; the caller ensures it has room. */
    public static void write(ByteBuffer out, RecordType type, boolean lastInWrite, long writeSeq,
                             long groupId, byte[] payload) {
        Invariants.check(out.remaining() >= HEADER_BYTES + payload.length,
                "record of %d bytes does not fit in %d", HEADER_BYTES + payload.length, out.remaining());
        int start = out.position();
        out.putInt(0);
        out.putShort(MAGIC);
        out.put((byte) type.code);
        out.put((byte) (lastInWrite ? FLAG_LAST_IN_WRITE : 0));
        out.putInt(payload.length);
        out.putLong(writeSeq);
        out.putLong(groupId);
        out.put(payload);
        int end = out.position();
        out.putInt(start, crc(out, start + 4, end));
    }

    /** CRC32C of {@code buffer[from, to)}, leaving the buffer's position and limit untouched. */
    public static int crc(ByteBuffer buffer, int from, int to) {
        CRC32C crc = new CRC32C();
        ByteBuffer slice = buffer.duplicate();
        slice.limit(to).position(from);
        crc.update(slice);
        return (int) crc.getValue();
    }

    /**
     * Parses the record at {@code offset} of {@code segment} (valid bytes end at {@code limit})
     * into {@code into}; returns the outcome. Never throws on damaged bytes.
     */
    public static Outcome parse(ByteBuffer segment, int offset, int limit, RecordHeader into) {
        if (limit - offset < HEADER_BYTES) {
            return isZero(segment, offset, limit) ? Outcome.END : Outcome.DAMAGED;
        }
        if (isZero(segment, offset, offset + HEADER_BYTES)) {
            return Outcome.END;
        }
        into.offset = offset;
        into.groupId = segment.getLong(offset + 20);
        if (segment.getShort(offset + 4) != MAGIC) {
            return Outcome.DAMAGED;
        }
        into.type = RecordType.ofCode(segment.get(offset + 6) & 0xFF);
        into.flags = segment.get(offset + 7) & 0xFF;
        long length = segment.getInt(offset + 8) & 0xFFFFFFFFL;
        if (into.type == null || length > limit - offset - HEADER_BYTES) {
            return Outcome.DAMAGED;
        }
        into.payloadLength = (int) length;
        into.writeSeq = segment.getLong(offset + 12);
        int end = offset + HEADER_BYTES + into.payloadLength;
        if (crc(segment, offset + 4, end) != segment.getInt(offset)) {
            return Outcome.DAMAGED;
        }
        return Outcome.VALID;
    }

    /** Decodes the header of a record {@link #parse} already found VALID, without re-checking it. */
    public static void readVerifiedHeader(ByteBuffer segment, int offset, RecordHeader into) {
        into.offset = offset;
        into.type = RecordType.ofCode(segment.get(offset + 6) & 0xFF);
        into.flags = segment.get(offset + 7) & 0xFF;
        into.payloadLength = segment.getInt(offset + 8);
        into.writeSeq = segment.getLong(offset + 12);
        into.groupId = segment.getLong(offset + 20);
    }

    static boolean isZero(ByteBuffer buffer, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** What {@link #parse} found. */
    public enum Outcome {
        /** A complete record whose checksum matches. */
        VALID,
        /** Zeros: no record was ever written here (or its write never reached the disk). */
        END,
        /** Bytes that are not a valid record: torn, corrupt or garbage. */
        DAMAGED
    }

    /** The decoded header of one record; mutable so recovery can scan without allocating. */
    public static final class RecordHeader {
        public int offset;
        public RecordType type;
        public int flags;
        public int payloadLength;
        public long writeSeq;
        public long groupId;

        public int payloadOffset() {
            return offset + HEADER_BYTES;
        }

        public int endOffset() {
            return offset + HEADER_BYTES + payloadLength;
        }

        public boolean lastInWrite() {
            return (flags & FLAG_LAST_IN_WRITE) != 0;
        }
    }
}
