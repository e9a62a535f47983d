package io.ostraka.log;

import io.ostraka.log.segment.FileHandle;
import io.ostraka.log.segment.FileIo;
import io.ostraka.log.segment.NioFileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link FileIo} that injects the failures a real disk produces: running out of space part-way
 * through a write ({@link #setWriteBytesBudget}) and failing writes or fsyncs outright. Test
 * code only — production code has no fault hooks.
 */
final class FaultyFileIo implements FileIo {
    private final FileIo delegate = NioFileIo.INSTANCE;
    private final AtomicLong writtenBytes = new AtomicLong();
    private volatile long writeBytesBudget = Long.MAX_VALUE;
    private volatile boolean failWrites;
    private volatile boolean failForces;
    private volatile Runnable beforeWrite = () -> { };

    /** After {@code bytes} more bytes, writes store what still fits and then fail with ENOSPC. */
    void setWriteBytesBudget(long bytes) {
        writeBytesBudget = writtenBytes.get() + bytes;
    }

    void failWrites(boolean fail) {
        failWrites = fail;
    }

    void failForces(boolean fail) {
        failForces = fail;
    }

    /** Runs {@code hook} on the writing thread before every write (to hold a write in flight). */
    void beforeEachWrite(Runnable hook) {
        beforeWrite = hook;
    }

    long writtenBytes() {
        return writtenBytes.get();
    }

    @Override
    public FileHandle open(Path path, boolean create) throws IOException {
        return new FaultyHandle(delegate.open(path, create));
    }

    @Override
    public FileHandle openReadOnly(Path path) throws IOException {
        return delegate.openReadOnly(path);
    }

    @Override
    public void forceDirectory(Path directory) throws IOException {
        if (failForces) {
            throw new IOException("Input/output error (injected) syncing " + directory);
        }
        delegate.forceDirectory(directory);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        delegate.rename(from, to);
    }

    @Override
    public void delete(Path path) throws IOException {
        delegate.delete(path);
    }

    @Override
    public void createDirectories(Path directory) throws IOException {
        delegate.createDirectories(directory);
    }

    @Override
    public List<Path> list(Path directory) throws IOException {
        return delegate.list(directory);
    }

    private final class FaultyHandle implements FileHandle {
        private final FileHandle handle;

        FaultyHandle(FileHandle handle) {
            this.handle = handle;
        }

        @Override
        public void writeFully(ByteBuffer source, long position) throws IOException {
            beforeWrite.run();
            if (failWrites) {
                throw new IOException("Input/output error (injected write failure)");
            }
            long room = writeBytesBudget - writtenBytes.get();
            if (room < source.remaining()) {
                if (room > 0) {
                    ByteBuffer part = source.duplicate();
                    part.limit(part.position() + (int) room);
                    handle.writeFully(part, position);
                    writtenBytes.addAndGet(room);
                }
                throw new IOException("No space left on device (injected)");
            }
            writtenBytes.addAndGet(source.remaining());
            handle.writeFully(source, position);
        }

        @Override
        public int read(ByteBuffer target, long position) throws IOException {
            return handle.read(target, position);
        }

        @Override
        public void force() throws IOException {
            if (failForces) {
                throw new IOException("Input/output error (injected fsync failure)");
            }
            handle.force();
        }

        @Override
        public long size() throws IOException {
            return handle.size();
        }

        @Override
        public void truncate(long sizeBytes) throws IOException {
            handle.truncate(sizeBytes);
        }

        @Override
        public void close() throws IOException {
            handle.close();
        }
    }
}
