package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.Entry;
import io.ostraka.raft.HardState;
import io.ostraka.raft.LogView;
import io.ostraka.raft.SnapshotMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Races between appenders, readers and the purger: groups append (pipelined), take snapshots
 * and compact while reader threads read random ranges — from the cache and from disk — as
 * segments roll, get purged and lagging groups are rewritten forward. Every entry read must be
 * exactly what was written; the only acceptable read failure is a range compacted meanwhile.
 */
class ConcurrentReadWriteTest {
    private static final int GROUPS = 4;

    @TempDir
    Path directory;

    @Test
    void readersSeeExactlyWhatWasWrittenWhileSegmentsRollAndArePurged() throws Exception {
        LogEngineConfig config = TestEngines.small(directory).withCacheBytesMax(16 * 1024).withRelocation(8 * 1024, 2);
        CopyOnWriteArrayList<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        try (LogEngine engine = LogEngine.open(config)) {
            Thread[] writers = new Thread[GROUPS];
            for (int g = 1; g <= GROUPS; g++) {
                GroupLog log = engine.group(g);
                int entriesMax = g == GROUPS ? 20 : 1500;
                writers[g - 1] = new Thread(() -> run(errors, () -> write(log, entriesMax)), "writer-" + g);
            }
            Thread[] readers = new Thread[2];
            for (int r = 0; r < readers.length; r++) {
                Random random = new Random(r);
                readers[r] = new Thread(() -> run(errors, () -> {
                    while (writing.get()) {
                        read(engine.group(1 + random.nextInt(GROUPS)), random);
                        reads.incrementAndGet();
                    }
                }), "reader-" + r);
            }
            for (Thread thread : readers) {
                thread.start();
            }
            for (Thread thread : writers) {
                thread.start();
            }
            for (Thread thread : writers) {
                thread.join();
            }
            writing.set(false);
            for (Thread thread : readers) {
                thread.join();
            }
            assertThat(errors).isEmpty();
            assertThat(reads.get()).isPositive();
            assertThat(engine.checkpointsWritten()).as("the idle group was rewritten forward").isPositive();
            for (int g = 1; g <= GROUPS; g++) {
                read(engine.group(g), new Random(g));
            }
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void run(List<Throwable> errors, Body body) {
        try {
            body.run();
        } catch (Throwable e) {
            errors.add(e);
        }
    }

    private static void write(GroupLog log, int entriesMax) {
        CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
        for (long i = 1; i <= entriesMax; i++) {
            last = log.write(List.of(CrashChild.entry(log.groupId(), i, 1)), new HardState(1, 1, Math.max(0, i - 8)));
            if (i % 8 == 0) {
                last.join();
            }
            if (i % 200 == 0) {
                last.join();
                log.createSnapshot(new SnapshotMetadata(i - 8, 1, LogStoreContractTest.CONF), 20);
            }
        }
        last.join();
    }

    private static void read(GroupLog log, Random random) {
        long first = log.firstIndex();
        long last = log.lastIndex();
        if (last < first) {
            return;
        }
        long from = first + random.nextInt((int) (last - first + 1));
        long to = Math.min(last + 1, from + 1 + random.nextInt(50));
        try {
            List<Entry> entries = log.entries(from, to, Long.MAX_VALUE);
            assertThat(entries).hasSize((int) (to - from));
            for (Entry entry : entries) {
                assertThat(entry).isEqualTo(CrashChild.entry(log.groupId(), entry.index(), 1));
            }
        } catch (LogView.LogCompactedException compactedMeanwhile) {
            assertThat(log.firstIndex()).isGreaterThan(from);
        }
    }
}
