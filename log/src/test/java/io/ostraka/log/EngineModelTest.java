package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.Entry;
import io.ostraka.raft.HardState;
import io.ostraka.raft.LogStore;
import io.ostraka.raft.MemoryLog;
import io.ostraka.raft.SnapshotMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drives the engine and a {@link MemoryLog} per group with the same random operations (appends
 * with suffix truncation, hard states, snapshots taken and installed, restarts) and requires
 * identical views after every step. Small segments make the engine roll, purge and rewrite the
 * lagging groups forward many times; the test also proves that purging keeps the segment count
 * bounded. Reproduce a failure with the seed in the test name.
 */
class EngineModelTest {
    private static final int GROUPS = 4;

    @TempDir
    Path directory;

    @ParameterizedTest(name = "seed={0}")
    @ValueSource(longs = {1, 2, 42})
    void engineMatchesTheInMemoryModel(long seed) throws Exception {
        Random random = new Random(seed);
        LogEngineConfig config = TestEngines.small(directory).withCacheBytesMax(8192).withRelocation(8192, 2);
        MemoryLog[] models = new MemoryLog[GROUPS + 1];
        long[] terms = new long[GROUPS + 1];
        for (int g = 1; g <= GROUPS; g++) {
            models[g] = new MemoryLog();
            terms[g] = 1;
        }
        LogEngine engine = LogEngine.open(config);
        int segmentsMax = 0;
        long checkpoints = 0;
        try {
            for (int step = 0; step < 1500; step++) {
                int group = pickGroup(random);
                String op = step(random, models[group], engine.group(group), terms, group);
                if (random.nextInt(250) == 0) {
                    checkpoints += engine.checkpointsWritten();
                    engine.close();
                    engine = LogEngine.open(config);
                    op += " + restart";
                }
                for (int g = 1; g <= GROUPS; g++) {
                    assertSame(models[g], engine.group(g), "seed " + seed + " step " + step + " " + op + " group " + g);
                }
                segmentsMax = Math.max(segmentsMax, engine.segmentIds().size());
            }
            checkpoints += engine.checkpointsWritten();
        } finally {
            engine.close();
        }
        assertThat(segmentsMax).as("segments kept at once").isLessThan(12);
        assertThat(checkpoints).as("lagging groups rewritten forward").isPositive();
    }

    /** Group 1 is busy, 2 and 3 moderate, 4 mostly idle: a lagging group for the purger. */
    private static int pickGroup(Random random) {
        int roll = random.nextInt(100);
        return roll < 60 ? 1 : roll < 80 ? 2 : roll < 98 ? 3 : 4;
    }

    private static String step(Random random, MemoryLog model, GroupLog log, long[] terms, int group) {
        int kind = random.nextInt(100);
        if (kind < 60) {
            long low = Math.max(model.hardState().commit() + 1, Math.max(model.firstIndex(), model.lastIndex() - 3));
            long first = low + random.nextInt((int) Math.max(1, model.lastIndex() + 2 - low));
            first = Math.min(first, model.lastIndex() + 1);
            if (first <= model.lastIndex()) {
                terms[group]++;
            }
            List<Entry> batch = new ArrayList<>();
            int count = 1 + random.nextInt(6);
            for (int k = 0; k < count; k++) {
                byte[] data = new byte[random.nextInt(700)];
                random.nextBytes(data);
                batch.add(Entry.normal(terms[group], first + k, data));
            }
            HardState hs = random.nextBoolean() ? null : new HardState(terms[group], 1, model.hardState().commit());
            model.append(batch);
            if (hs != null) {
                model.setHardState(hs);
            }
            log.write(batch, hs).join();
            return "append " + first + ".." + (first + count - 1) + " term " + terms[group];
        }
        if (kind < 80) {
            long commit = model.hardState().commit() + random.nextInt((int) (model.lastIndex() - model.hardState().commit() + 1));
            HardState hs = new HardState(terms[group], 1, commit);
            model.setHardState(hs);
            log.setHardState(hs);
            return "commit " + commit;
        }
        if (kind < 97) {
            long commit = model.hardState().commit();
            long from = Math.max(model.snapshot().index(), model.firstIndex() - 1);
            if (commit <= from || commit < model.firstIndex()) {
                return "no snapshot";
            }
            long index = from + 1 + random.nextInt((int) (commit - from));
            SnapshotMetadata meta = new SnapshotMetadata(index, model.term(index), LogStoreContractTest.CONF);
            long trailing = random.nextInt(4);
            model.createSnapshot(meta, trailing);
            log.createSnapshot(meta, trailing);
            return "snapshot " + index + " trailing " + trailing;
        }
        terms[group]++;
        long index = model.lastIndex() + 1 + random.nextInt(20);
        SnapshotMetadata meta = new SnapshotMetadata(index, terms[group], LogStoreContractTest.CONF);
        model.installSnapshot(meta);
        model.setHardState(new HardState(terms[group], 1, index));
        log.write(List.of(), null).join();
        log.installSnapshot(meta);
        log.setHardState(new HardState(terms[group], 1, index));
        return "install " + index;
    }

    static void assertSame(LogStore model, LogStore log, String where) {
        assertThat(log.firstIndex()).as(where + " firstIndex").isEqualTo(model.firstIndex());
        assertThat(log.lastIndex()).as(where + " lastIndex").isEqualTo(model.lastIndex());
        assertThat(log.hardState()).as(where + " hardState").isEqualTo(model.hardState());
        assertThat(log.snapshot()).as(where + " snapshot").isEqualTo(model.snapshot());
        assertThat(log.term(model.firstIndex() - 1)).as(where + " compaction term").isEqualTo(model.term(model.firstIndex() - 1));
        assertThat(log.entries(model.firstIndex(), model.lastIndex() + 1, Long.MAX_VALUE)).as(where + " entries")
                .containsExactlyElementsOf(model.entries(model.firstIndex(), model.lastIndex() + 1, Long.MAX_VALUE));
    }
}
