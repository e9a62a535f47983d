package io.ostraka.log.segment;

import io.ostraka.log.LogCorruptionException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The 32-byte header at the start of every segment file (big-endian):
 *
 * <pre>
 *  0  8 bytes  magic "OSTKSEG\0"
 *  8  u32      format version (1)
 * 12  u32      reserved, 0
 * 16  u64      segment id (also the file name)
 * 24  u32      reserved, 0
 * 28  u32      crc32c of bytes [0, 28)
 * </pre>
 *
 * A version this build does not know is refused with an error naming the file: a newer engine
 * may lay records out differently, and guessing would risk reading garbage as entries.
 */
public final class SegmentHeader {
    public static final int BYTES = 32;
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "OSTKSEG\0".getBytes(StandardCharsets.US_ASCII);

    private SegmentHeader() {}

    public static ByteBuffer encode(long segmentId) {
        return encode(segmentId, VERSION);
    }

    /** Encodes a header with an explicit version; tests use it to forge unknown versions. */
    public static ByteBuffer encode(long segmentId, int version) {
        ByteBuffer out = ByteBuffer.allocate(BYTES);
        out.put(MAGIC).putInt(version).putInt(0).putLong(segmentId).putInt(0);
        out.putInt(RecordFormat.crc(out, 0, 28));
        return out.flip();
    }

    /** Checks the header at the start of {@code segment}; returns the segment id it names. */
    public static long verify(ByteBuffer segment, int sizeBytes, Path file) {
        if (sizeBytes < BYTES) {
            throw new LogCorruptionException(file, 0, -1, "segment file is " + sizeBytes + " bytes, shorter than its header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (segment.get(i) != MAGIC[i]) {
                throw new LogCorruptionException(file, 0, -1, "not an Ostraka log segment (bad magic)");
            }
        }
        int version = segment.getInt(8);
        if (version != VERSION) {
            throw new LogCorruptionException(file, 8, -1, "segment format version " + version
                    + " is not supported; this build reads version " + VERSION);
        }
        if (RecordFormat.crc(segment, 0, 28) != segment.getInt(28)) {
            throw new LogCorruptionException(file, 0, -1, "segment header checksum mismatch");
        }
        return segment.getLong(16);
    }
}
