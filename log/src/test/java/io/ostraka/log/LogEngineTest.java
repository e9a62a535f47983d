package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.raft.Entry;
import io.ostraka.raft.HardState;
import io.ostraka.raft.Ready;
import io.ostraka.raft.SnapshotMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine behaviour beyond the LogStore contract: group commit across groups, completion on the
 * engine's own executor, durability-then-visibility, Ready persistence, segment rolling and
 * purging, and the limits on a single write.
 */
class LogEngineTest {
    @TempDir
    Path directory;

    @Test
    void concurrentAppendsShareFsyncsAndCompleteOnTheEngineExecutor() throws Exception {
        try (LogEngine engine = LogEngine.open(TestEngines.small(directory))) {
            long fsyncsBefore = engine.fsyncCount();
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();
            for (long i = 1; i <= 200; i++) {
                for (long group = 1; group <= 8; group++) {
                    CompletableFuture<Void> future = engine.group(group).appendAsync(List.of(Entry.normal(1, i, new byte[16])));
                    futures.add(future.thenRun(() -> threads.add(Thread.currentThread().getName())));
                }
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
            assertThat(engine.fsyncCount() - fsyncsBefore).as("fsyncs for 1600 appends").isLessThan(1600);
            // A callback attached after completion runs on the attaching thread ("main"); every
            // other one runs on the engine's completion thread — never the writer or the common pool.
            assertThat(threads).hasSize(1600).contains("ostraka-log-completion")
                    .allSatisfy(name -> assertThat(name).isIn("ostraka-log-completion", "main"));
            for (long group = 1; group <= 8; group++) {
                assertThat(engine.group(group).lastIndex()).isEqualTo(200);
            }
        }
    }

    @Test
    void entriesAndHardStateBecomeVisibleTogetherWhenDurable() throws Exception {
        try (LogEngine engine = LogEngine.open(TestEngines.small(directory))) {
            GroupLog log = engine.group(3);
            CompletableFuture<Void> done = log.write(List.of(Entry.normal(2, 1, new byte[] {9})), new HardState(2, 1, 1));
            done.join();
            assertThat(log.lastIndex()).isEqualTo(1);
            assertThat(log.hardState()).isEqualTo(new HardState(2, 1, 1));
        }
        try (LogEngine engine = LogEngine.open(TestEngines.small(directory))) {
            assertThat(engine.groupIds()).containsExactly(3L);
            assertThat(engine.group(3).hardState()).isEqualTo(new HardState(2, 1, 1));
            assertThat(engine.group(3).term(1)).isEqualTo(2);
        }
    }

    @Test
    void aReadyIsPersistedSnapshotThenEntriesThenHardState() throws Exception {
        try (LogEngine engine = LogEngine.open(TestEngines.small(directory))) {
            GroupLog log = engine.group(5);
            SnapshotMetadata snapshot = new SnapshotMetadata(10, 3, LogStoreContractTest.CONF);
            Ready ready = new Ready(null, 0, new HardState(3, 2, 10), List.of(Entry.normal(3, 11, new byte[4])), snapshot,
                    List.of(), List.of(), List.of(), List.of(), true, false);
            log.persist(ready).join();
            assertThat(log.snapshot()).isEqualTo(snapshot);
            assertThat(log.firstIndex()).isEqualTo(11);
            assertThat(log.lastIndex()).isEqualTo(11);
            assertThat(log.hardState().commit()).isEqualTo(10);
        }
    }

    private static Ready appendReady(long term, long index, int bytes) {
        return new Ready(null, 0, new HardState(term, 1, 0), List.of(Entry.normal(term, index, new byte[bytes])), null,
                List.of(), List.of(), List.of(), List.of(), true, false);
    }

    @Test
    void stagedWritesWaitForTheCallerAndCompleteOnItsThreadInOneFsync() throws Exception {
        try (LogEngine engine = LogEngine.open(TestEngines.small(directory))) {
            engine.group(1).append(List.of(Entry.normal(1, 1, new byte[4]))); // the writer thread is idle now
            long fsyncsBefore = engine.fsyncCount();
            List<CompletableFuture<Void>> staged = new ArrayList<>();
            for (long group = 1; group <= 4; group++) {
                staged.add(engine.group(group).stage(appendReady(1, group == 1 ? 2 : 1, 100)));
            }
            // Nothing wakes the writer for a staged write: it waits for writeStaged.
            assertThat(staged).noneMatch(CompletableFuture::isDone);
            assertThat(engine.group(2).lastIndex()).isZero();
            List<String> threads = new ArrayList<>();
            staged.forEach(f -> f.thenRun(() -> threads.add(Thread.currentThread().getName())));
            engine.writeStaged();
            assertThat(staged).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
            assertThat(threads).hasSize(4).containsOnly(Thread.currentThread().getName());
            assertThat(engine.fsyncCount() - fsyncsBefore).as("fsyncs for four groups' staged writes").isEqualTo(1);
            assertThat(engine.group(1).lastIndex()).isEqualTo(2);
            assertThat(engine.group(4).hardState()).isEqualTo(new HardState(1, 1, 0));
            engine.writeStaged(); // nothing queued: returns at once, no fsync
            assertThat(engine.fsyncCount() - fsyncsBefore).isEqualTo(1);
        }
        try (LogEngine engine = LogEngine.open(TestEngines.small(directory))) {
            assertThat(engine.group(1).lastIndex()).isEqualTo(2);
            assertThat(engine.group(3).lastIndex()).isEqualTo(1);
        }
    }

    @Test
    void stagedAndSubmittedWritesAreDurableInSubmissionOrder() throws Exception {
        try (LogEngine engine = LogEngine.open(TestEngines.small(directory))) {
            GroupLog log = engine.group(1);
            // Interleave staged appends with submitted hard states from two threads; whoever writes
            // a batch, a later record never lands before an earlier one: the final hard state is
            // the last one submitted and every index is present once.
            Thread other = new Thread(() -> {
                for (int i = 0; i < 300; i++) {
                    engine.group(2).appendAsync(List.of(Entry.normal(1, i + 1, new byte[200])));
                }
            });
            other.start();
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (long i = 1; i <= 300; i++) {
                futures.add(log.stage(appendReady(1, i, 200)));
                futures.add(log.setHardStateAsync(new HardState(1, 1, i - 1)));
                if (i % 7 == 0) {
                    engine.writeStaged();
                }
            }
            engine.writeStaged();
            other.join();
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
            assertThat(log.lastIndex()).isEqualTo(300);
            assertThat(log.hardState()).isEqualTo(new HardState(1, 1, 299));
        }
        try (LogEngine engine = LogEngine.open(TestEngines.small(directory))) {
            assertThat(engine.group(1).hardState()).isEqualTo(new HardState(1, 1, 299));
            assertThat(engine.group(1).entries(1, 301, Long.MAX_VALUE)).hasSize(300);
            TestEngines.awaitTrue(() -> engine.group(2).lastIndex() == 300, java.time.Duration.ofSeconds(10), "group 2 recovered");
        }
    }

    @Test
    void aStagedWriteFailsWithTheEngineAndNothingLaterIsAcknowledged() throws Exception {
        FaultyFileIo io = new FaultyFileIo();
        try (LogEngine engine = LogEngine.open(TestEngines.small(directory).withFileIo(io))) {
            GroupLog log = engine.group(1);
            log.stage(appendReady(1, 1, 10));
            engine.writeStaged();
            io.failForces(true);
            CompletableFuture<Void> failed = log.stage(appendReady(1, 2, 10));
            engine.writeStaged();
            assertThatThrownBy(failed::join).hasCauseInstanceOf(LogEngineFailedException.class);
            io.failForces(false);
            CompletableFuture<Void> later = log.stage(appendReady(1, 3, 10));
            engine.writeStaged();
            assertThatThrownBy(later::join).hasCauseInstanceOf(LogEngineFailedException.class);
            assertThat(log.lastIndex()).isEqualTo(1);
        }
    }

    @Test
    void segmentsRollAndArePurgedOnceCompactedAway() throws Exception {
        try (LogEngine engine = LogEngine.open(TestEngines.small(directory))) {
            GroupLog log = engine.group(1);
            for (long i = 1; i <= 400; i++) {
                log.append(List.of(Entry.normal(1, i, new byte[1000])));
            }
            assertThat(engine.segmentIds().size()).isGreaterThan(4);
            log.setHardState(new HardState(1, 1, 400));
            log.createSnapshot(new SnapshotMetadata(400, 1, LogStoreContractTest.CONF), 10);
            log.append(List.of(Entry.normal(1, 401, new byte[1000])));
            assertThat(engine.segmentIds().size()).isLessThanOrEqualTo(2);
            assertThat(log.entries(391, 402, Long.MAX_VALUE)).hasSize(11);
        }
        try (LogEngine engine = LogEngine.open(TestEngines.small(directory))) {
            assertThat(engine.group(1).firstIndex()).isEqualTo(391);
            assertThat(engine.group(1).lastIndex()).isEqualTo(401);
        }
    }

    @Test
    void anIdleGroupIsRewrittenForwardInsteadOfPinningOldSegments() throws Exception {
        LogEngineConfig config = TestEngines.small(directory).withRelocation(4096, 2);
        try (LogEngine engine = LogEngine.open(config)) {
            engine.group(2).write(List.of(Entry.normal(1, 1, new byte[] {42})), new HardState(1, 2, 0)).join();
            GroupLog busy = engine.group(1);
            for (long i = 1; i <= 600; i++) {
                busy.append(List.of(Entry.normal(1, i, new byte[1000])));
                if (i % 50 == 0) {
                    busy.setHardState(new HardState(1, 1, i));
                    busy.createSnapshot(new SnapshotMetadata(i, 1, LogStoreContractTest.CONF), 5);
                }
            }
            assertThat(engine.checkpointsWritten()).isPositive();
            assertThat(engine.segmentIds().get(0)).as("oldest segment kept").isGreaterThan(1);
        }
        try (LogEngine engine = LogEngine.open(config)) {
            assertThat(engine.group(2).entries(1, 2, Long.MAX_VALUE)).containsExactly(Entry.normal(1, 1, new byte[] {42}));
            assertThat(engine.group(2).hardState()).isEqualTo(new HardState(1, 2, 0));
        }
    }

    @Test
    void aWriteLargerThanASegmentIsRejectedUpFront() throws Exception {
        try (LogEngine engine = LogEngine.open(TestEngines.small(directory))) {
            byte[] huge = new byte[(int) TestEngines.SMALL_SEGMENT_BYTES];
            assertThatThrownBy(() -> engine.group(1).appendAsync(List.of(Entry.normal(1, 1, huge))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("group 1");
            assertThat(engine.group(1).lastIndex()).isZero();
            engine.group(1).append(List.of(Entry.normal(1, 1, new byte[10])));
        }
    }

    @Test
    void writesAfterCloseFailInsteadOfHanging() throws Exception {
        LogEngine engine = LogEngine.open(TestEngines.small(directory));
        GroupLog log = engine.group(1);
        log.append(List.of(Entry.normal(1, 1, new byte[3])));
        engine.close();
        assertThatThrownBy(() -> log.append(List.of(Entry.normal(1, 2, new byte[3]))))
                .isInstanceOf(LogEngineFailedException.class).hasMessageContaining("closed");
    }

    @Test
    void theDefaultSegmentIsPreallocatedToItsFullSize() throws Exception {
        try (LogEngine engine = LogEngine.open(LogEngineConfig.defaults(directory))) {
            engine.group(1).append(List.of(Entry.normal(1, 1, new byte[10])));
            Path segment = directory.resolve("segments").resolve(String.format("%020d.seg", engine.segmentIds().get(0)));
            assertThat(Files.size(segment)).isEqualTo(LogEngineConfig.SEGMENT_BYTES_DEFAULT);
        }
    }
}
