package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
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
        FaultyFileIo disk = new FaultyFileIo();
        // Each write waits, ignoring interrupts as a write already in the device would, until
        // released, and records whether close had returned by then.
        disk.beforeEachWrite(() -> {
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
        });
        SegmentAllocator allocator = new SegmentAllocator(disk, dir, 4L << 20);
        allocator.prepare();
        assertThat(writing.await(30, TimeUnit.SECONDS)).as("the preallocator starts writing").isTrue();

        Thread closer = new Thread(() -> {
            allocator.close();
            closeReturned.set(true);
        }, "closer");
        closer.start();
        // Close must wait for the write in flight rather than return while it still touches the directory.
        TestEngines.awaitTrue(() -> !closer.isAlive() || closer.getState() == Thread.State.TIMED_WAITING,
                Duration.ofSeconds(30), "close to wait for the preallocator (or return)");
        release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(closer.isAlive()).isFalse();
        assertThat(writesAfterClose).as("writes observed whether close had returned").isNotEmpty().containsOnly(false);
    }
}
