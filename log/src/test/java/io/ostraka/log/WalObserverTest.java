package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.Entry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link WalObserver} sees every forced write exactly once, as a started/finished pair on the
 * writer thread, with the number of records and bytes in it — including when a group commit rolls
 * into a new segment and becomes two writes — and {@link LogEngine#logBytes()} follows the writes.
 */
class WalObserverTest {
    @TempDir
    Path directory;

    /** Records what the writer reports; calls arrive on the writer thread only. */
    static final class Recording implements WalObserver {
        final ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();

        @Override
        public void syncStarted(int records, long bytes) {
            calls.add("started " + records + " " + bytes);
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void syncFinished(int records, long bytes) {
            calls.add("finished " + records + " " + bytes);
            threads.add(Thread.currentThread().getName());
        }

        long recordsSynced() {
            return calls.stream().filter(c -> c.startsWith("finished")).mapToLong(c -> Long.parseLong(c.split(" ")[1])).sum();
        }

        void assertPaired() {
            List<String> list = new ArrayList<>(calls);
            assertThat(list.size() % 2).isZero();
            for (int i = 0; i < list.size(); i += 2) {
                assertThat(list.get(i)).startsWith("started ");
                assertThat(list.get(i + 1)).isEqualTo(list.get(i).replace("started", "finished"));
            }
            assertThat(threads).allSatisfy(name -> assertThat(name).isEqualTo("ostraka-log-writer"));
        }
    }

    private static void appendConcurrently(LogEngine engine, int entriesPerGroup, int groups, int payloadBytes) {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (long i = 1; i <= entriesPerGroup; i++) {
            for (long group = 1; group <= groups; group++) {
                futures.add(engine.group(group).appendAsync(List.of(Entry.normal(1, i, new byte[payloadBytes]))));
            }
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    }

    @Test
    void everyForcedWriteIsReportedOnceWithItsRecords() throws Exception {
        Recording observer = new Recording();
        try (LogEngine engine = LogEngine.open(LogEngineConfig.defaults(directory).withWalObserver(observer))) {
            long fsyncsBefore = engine.fsyncCount();
            long bytesBefore = engine.logBytes();
            appendConcurrently(engine, 100, 4, 16);
            observer.assertPaired();
            assertThat(observer.recordsSynced()).as("one record per append").isEqualTo(400);
            assertThat((long) observer.calls.size() / 2).as("one pair per fsync").isEqualTo(engine.fsyncCount() - fsyncsBefore);
            long bytesReported = observer.calls.stream().filter(c -> c.startsWith("finished"))
                    .mapToLong(c -> Long.parseLong(c.split(" ")[2])).sum();
            assertThat(engine.logBytes() - bytesBefore).as("log bytes grow by what was written").isEqualTo(bytesReported);
            assertThat(engine.segmentFileBytes()).isGreaterThanOrEqualTo(engine.logBytes());
        }
    }

    @Test
    void aWriteThatRollsIntoANewSegmentIsReportedAsTwoForcedWrites() throws Exception {
        Recording observer = new Recording();
        try (LogEngine engine = LogEngine.open(TestEngines.small(directory).withWalObserver(observer))) {
            long fsyncsBefore = engine.fsyncCount();
            appendConcurrently(engine, 100, 4, 512);
            observer.assertPaired();
            assertThat(engine.segmentIds().size()).as("the appends rolled segments").isGreaterThan(1);
            assertThat(observer.recordsSynced()).as("every append, plus any purge checkpoints").isGreaterThanOrEqualTo(400);
            assertThat((long) observer.calls.size() / 2).isEqualTo(engine.fsyncCount() - fsyncsBefore);
        }
    }
}
