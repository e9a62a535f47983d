package io.ostraka.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leader's loop that stalls (a GC pause, a slow disk) must not serve a lease read from the
 * lease it held before the stall: a loop runs its queued tasks before its due ticks, so without
 * care the core judges the lease by the time before the pause while the rest of the cluster has
 * already elected another leader and written.
 */
class LeaseReadPauseTest {
    @TempDir
    Path dir;

    /** A node's clock: the real one, or stopped at a reading while its process "does not run". */
    static final class PausableClock implements Clock {
        private volatile long offset;
        private volatile long stoppedAt = Long.MIN_VALUE;

        @Override
        public long nanoTime() {
            long stopped = stoppedAt;
            return stopped != Long.MIN_VALUE ? stopped : System.nanoTime() + offset;
        }

        void stop() {
            stoppedAt = nanoTime();
        }

        /** Runs again from where it stopped plus {@code nanos}: the pause as the process sees it. */
        void resumeAfter(long nanos) {
            offset = stoppedAt + nanos - System.nanoTime();
            stoppedAt = Long.MIN_VALUE;
        }
    }

    @Test
    void aLeaseReadQueuedDuringALeadersStallDoesNotReturnWhatTheNewLeaderOverwrote() throws Exception {
        java.util.Map<Long, PausableClock> clocks = new java.util.concurrent.ConcurrentHashMap<>();
        // Ticks of 10 ms, election timeout 10 ticks, lease 10 − 1 ticks.
        try (NodeCluster c = new NodeCluster(dir, false, 3, o -> o.withLeaseReads(true, 1),
                id -> clocks.computeIfAbsent(id, k -> new PausableClock()))) {
            long old = c.awaitLeader();
            c.group(old).propose(CounterMachine.add(1)).get(10, TimeUnit.SECONDS);
            assertThat(c.group(old).read(ReadLevel.LEASE, 0, sm -> ((CounterMachine) sm).value()).get(10, TimeUnit.SECONDS))
                    .isEqualTo(1L);

            // The old leader's loop blocks and its clock stops: its process is not running.
            CountDownLatch stalled = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            c.group(old).read(ReadLevel.STALE, 0, sm -> {
                stalled.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 0L;
            });
            assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();
            clocks.get(old).stop();
            c.network.down.add(old);

            long[] next = new long[1];
            NodeCluster.await(() -> {
                for (long id : c.nodes.keySet()) {
                    if (id != old && c.group(id).isLeader()) {
                        next[0] = id;
                        return true;
                    }
                }
                return false;
            }, "a new leader among the others");
            c.group(next[0]).propose(CounterMachine.add(10)).get(10, TimeUnit.SECONDS);

            // A read arrives during the pause; the pause ends after 14 ticks: past the lease (9),
            // short of the check-quorum step-down (the second election timeout without a quorum).
            CompletableFuture<Long> read = c.group(old).read(ReadLevel.LEASE, 0, sm -> ((CounterMachine) sm).value());
            clocks.get(old).resumeAfter(TimeUnit.MILLISECONDS.toNanos(140));
            release.countDown();
            try {
                assertThat(read.get(10, TimeUnit.SECONDS)).as("a lease read after the new leader's write").isEqualTo(11L);
            } catch (ExecutionException refused) {
                // Refused (the old leader could not confirm its leadership, or stepped down): safe.
                assertThat(refused.getCause()).isInstanceOf(OstrakaException.class);
            }
        }
    }
}
