package io.ostraka.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A task handed to a loop is either run or, if the loop stops first, refused — whether it was
 * queued before the shutdown or arrives after it — so a caller waiting on it never waits forever.
 */
class EventLoopShutdownTest {
    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(10);

    private static final class Counted implements EventLoop.Refusable {
        final AtomicInteger ran = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();

        @Override
        public void run() {
            ran.incrementAndGet();
        }

        @Override
        public void refuse() {
            refused.incrementAndGet();
        }
    }

    @Test
    void aTaskStillQueuedWhenTheLoopStopsIsRefused() {
        EventLoop loop = EventLoop.ownThread("never-started", Clock.SYSTEM, TICK);
        Counted task = new Counted();
        loop.execute(task);
        assertThat(task.refused).hasValue(0);
        loop.shutdown();
        assertThat(task.ran).hasValue(0);
        assertThat(task.refused).hasValue(1);
    }

    @Test
    void aTaskArrivingAfterShutdownIsRefusedAtOnceOnAnOwnThreadLoop() {
        assertRefusedAfterShutdown(EventLoop.ownThread("loop", Clock.SYSTEM, TICK));
    }

    @Test
    void aTaskArrivingAfterShutdownIsRefusedAtOnceOnAHostedLoop() {
        try (HostedLoopTest.Host host = new HostedLoopTest.Host("host")) {
            assertRefusedAfterShutdown(EventLoop.hosted(host, Clock.SYSTEM, TICK));
        }
    }

    /** Starts {@code loop}, runs a task on it, stops it, and hands it one more task. */
    private static void assertRefusedAfterShutdown(EventLoop loop) {
        loop.start();
        Counted before = new Counted();
        loop.execute(before);
        NodeCluster.await(() -> before.ran.get() == 1, "the loop to run a task");
        loop.shutdown();
        Counted after = new Counted();
        loop.execute(after);
        assertThat(after.refused).hasValue(1);
        assertThat(after.ran).hasValue(0);
        assertThat(before.refused).hasValue(0);
    }
}
