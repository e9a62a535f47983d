package io.ostraka.log.segment;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** An open file as the engine sees it: positional reads and writes plus {@code fdatasync}. */
public interface FileHandle extends Closeable {
    /** Writes all remaining bytes of {@code source} at {@code position}, or throws. */
    void writeFully(ByteBuffer source, long position) throws IOException;

    /** Reads until {@code target} is full or end of file; returns the bytes read. */
    int read(ByteBuffer target, long position) throws IOException;

    /** Flushes written data (not necessarily metadata) to the device: {@code fdatasync}. */
    void force() throws IOException;

    long size() throws IOException;

    void truncate(long sizeBytes) throws IOException;

    @Override
    void close() throws IOException;
}
