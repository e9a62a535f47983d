package io.ostraka.log.segment;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One open segment file. Only the active segment is written, by the writer thread alone, which
 * also owns {@link #writePositionBytes}; sealed segments are only read.
 */
public final class Segment {
    public final long id;
    public final Path path;
    public final FileHandle handle;
    /** The preallocated file size: records (and the closing seal) must end before it. */
    public final long capacityBytes;
    // Invariant: SegmentHeader.BYTES <= writePositionBytes <= segmentBytesMax; bytes past it are zero.
    // Volatile so that metrics and status pages may read it from other threads (only the writer writes it).
    private volatile long writePositionBytes;

    public Segment(long id, Path path, FileHandle handle, long capacityBytes, long writePositionBytes) {
        this.id = id;
        this.path = path;
        this.handle = handle;
        this.capacityBytes = capacityBytes;
        this.writePositionBytes = writePositionBytes;
    }

    public long writePositionBytes() {
        return writePositionBytes;
    }

    public void advance(long bytes) {
        writePositionBytes += bytes;
    }

    public void close() throws IOException {
        handle.close();
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
