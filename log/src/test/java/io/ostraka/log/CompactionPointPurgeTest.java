package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.Entry;
import io.ostraka.raft.HardState;
import io.ostraka.raft.SnapshotMetadata;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that purging never deletes the record that set a group's compaction point. A snapshot
 * record that compacts nothing (its trailing entries reach below the compaction point, or it is
 * taken again at the same index) used to take over as the group's base record, so the older
 * record that set the compaction point could be purged: recovery then failed on the gap before
 * the entries, or silently lost the compaction point. Another group keeps writing until the
 * first segment is gone (purged, after the pinning group is rewritten forward if need be); the
 * group must then reopen exactly as it was.
 */
class CompactionPointPurgeTest {
    @TempDir
    Path directory;

    /** Group 2 fills segment 1 and goes on into segment 2, so what group 1 writes next lands there. */
    private static void fillTheFirstSegment(LogEngine engine) {
        GroupLog busy = engine.group(2);
        for (long i = 1; i <= 70; i++) {
            busy.append(List.of(Entry.normal(1, i, new byte[1000])));
        }
        busy.createSnapshot(new SnapshotMetadata(70, 1, LogStoreContractTest.CONF), 0);
        assertThat(engine.segmentIds()).as("segments after filling the first").hasSizeGreaterThan(1);
    }

    /** Group 2 fills segments and compacts them until segment 1 is gone. */
    private static void writeUntilTheFirstSegmentIsPurged(LogEngine engine) {
        GroupLog busy = engine.group(2);
        long index = busy.lastIndex();
        for (int round = 0; round < 2_000 && engine.segmentIds().get(0) == 1; round++) {
            for (int i = 0; i < 10; i++) {
                index++;
                busy.append(List.of(Entry.normal(1, index, new byte[1000])));
            }
            busy.createSnapshot(new SnapshotMetadata(index, 1, LogStoreContractTest.CONF), 0);
        }
        TestEngines.awaitTrue(() -> engine.segmentIds().get(0) > 1, java.time.Duration.ofSeconds(20),
                "segment 1 purged");
    }

    @Test
    void aSnapshotWhoseTrailingEntriesReachBelowAnInstalledSnapshotKeepsItsCompactionPoint() throws Exception {
        LogEngineConfig config = TestEngines.small(directory).withTrailingEntries(5);
        try (LogEngine engine = LogEngine.open(config)) {
            GroupLog log = engine.group(1);
            log.installSnapshot(new SnapshotMetadata(100, 2, LogStoreContractTest.CONF)); // in segment 1
            fillTheFirstSegment(engine);
            log.write(List.of(Entry.normal(2, 101, new byte[8]), Entry.normal(2, 102, new byte[8]),
                    Entry.normal(2, 103, new byte[8])), new HardState(2, 1, 103)).join();
            // Keeping 5 trailing entries reaches 98, below the compaction point 100: nothing compacts.
            log.createSnapshotAsync(new SnapshotMetadata(103, 2, LogStoreContractTest.CONF)).join();
            writeUntilTheFirstSegmentIsPurged(engine);
            assertThat(log.firstIndex()).isEqualTo(101);
        }
        try (LogEngine engine = LogEngine.open(config)) {
            GroupLog log = engine.group(1);
            assertThat(log.firstIndex()).isEqualTo(101);
            assertThat(log.lastIndex()).isEqualTo(103);
            assertThat(log.term(100)).isEqualTo(2);
            assertThat(log.snapshot().index()).isEqualTo(103);
        }
    }

    @Test
    void aSecondSnapshotAtTheSameIndexKeepsTheCompactionPoint() throws Exception {
        LogEngineConfig config = TestEngines.small(directory);
        try (LogEngine engine = LogEngine.open(config)) {
            GroupLog log = engine.group(1);
            log.write(List.of(Entry.normal(2, 1, new byte[8]), Entry.normal(2, 2, new byte[8])),
                    new HardState(2, 1, 2)).join();
            log.createSnapshot(new SnapshotMetadata(2, 2, LogStoreContractTest.CONF), 0); // compacts to 2, in segment 1
            fillTheFirstSegment(engine);
            log.setHardState(new HardState(3, 1, 2));
            log.createSnapshot(new SnapshotMetadata(2, 2, LogStoreContractTest.CONF), 0); // compacts nothing
            writeUntilTheFirstSegmentIsPurged(engine);
            assertThat(log.firstIndex()).isEqualTo(3);
        }
        try (LogEngine engine = LogEngine.open(config)) {
            GroupLog log = engine.group(1);
            assertThat(log.snapshot().index()).isEqualTo(2);
            assertThat(log.lastIndex()).as("last index after restart").isEqualTo(2);
            assertThat(log.firstIndex()).as("first index after restart").isEqualTo(3);
            assertThat(log.term(2)).isEqualTo(2);
        }
    }
}
