package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.log.segment.FileHandle;
import io.ostraka.log.segment.FileIo;
import io.ostraka.log.segment.NioFileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentAllocatorTest {
    @TempDir
    Path dir;

    @Test
    void closeReturnsOnlyOnceThePreallocatorHasStoppedWriting() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean closeReturned = new AtomicBoolean();
        List<Boolean> writesAfterClose = new CopyOnWriteArrayList<>();
        FileIo slowDisk = new SlowFirstWrite(NioFileIo.INSTANCE, writing, release, closeReturned, writesAfterClose);
        SegmentAllocator allocator = new SegmentAllocator(slowDisk, dir, 4L << 20);
        allocator.prepare();
        assertThat(writing.await(30, TimeUnit.SECONDS)).as("the preallocator starts writing").isTrue();

        Thread closer = new Thread(() -> {
            allocator.close();
            closeReturned.set(true);
        }, "closer");
        closer.start();
        // The write in flight ignores the interrupt (as a write already in the device would):
        // close must wait for it rather than return while it still touches the directory.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (closer.isAlive() && closer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(closer.isAlive()).isFalse();
        assertThat(writesAfterClose).as("writes observed whether close had returned").isNotEmpty().containsOnly(false);
    }

    /** Delegates to a real disk; the first write blocks, uninterruptibly, until released. */
    private record SlowFirstWrite(FileIo delegate, CountDownLatch writing, CountDownLatch release,
            AtomicBoolean closeReturned, List<Boolean> writesAfterClose) implements FileIo {
        @Override
        public FileHandle open(Path path, boolean create) throws IOException {
            FileHandle handle = delegate.open(path, create);
            return new FileHandle() {
                @Override
                public void writeFully(ByteBuffer source, long position) throws IOException {
                    writing.countDown();
                    boolean interrupted = false;
                    while (true) {
                        try {
                            release.await();
                            break;
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                    }
                    writesAfterClose.add(closeReturned.get());
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    handle.writeFully(source, position);
                }

                @Override
                public int read(ByteBuffer target, long position) throws IOException {
                    return handle.read(target, position);
                }

                @Override
                public void force() throws IOException {
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
            };
        }

        @Override
        public FileHandle openReadOnly(Path path) throws IOException {
            return delegate.openReadOnly(path);
        }

        @Override
        public void forceDirectory(Path directory) throws IOException {
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
    }
}
