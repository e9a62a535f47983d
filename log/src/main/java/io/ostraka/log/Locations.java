package io.ostraka.log;

import io.ostraka.raft.Invariants;

/** Packs a record's position into one long: segment id in the high 32 bits, byte offset in the low. */
final class Locations {
    private Locations() {}

    static long of(long segmentId, long offsetBytes) {
        if (segmentId < 0 || segmentId >= (1L << 31) || offsetBytes < 0 || offsetBytes >= (1L << 32)) {
            Invariants.check(false, "location segment %d offset %d out of range", segmentId, offsetBytes);
        }
        return (segmentId << 32) | offsetBytes;
    }

    static long segmentId(long location) {
        return location >>> 32;
    }

    static long offsetBytes(long location) {
        return location & 0xFFFFFFFFL;
    }
}
