package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.raft.ConfState;
import io.ostraka.raft.Entry;
import io.ostraka.raft.HardState;
import io.ostraka.raft.Invariants;
import io.ostraka.raft.LogStore;
import io.ostraka.raft.LogView;
import io.ostraka.raft.SnapshotMetadata;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link LogView}/{@link LogStore} contract (see LogView's Javadoc), as assertions any
 * implementation must pass: {@code MemoryLog} and the engine's {@link GroupLog} run the same
 * tests. {@link #reopened} lets durable implementations prove the state survives a restart.
 */
abstract class LogStoreContractTest {
    static final ConfState CONF = ConfState.ofVoters(1L, 2L, 3L);

    /** A fresh, empty store. */
    abstract LogStore store() throws Exception;

    /** The same store after a restart; in-memory stores return it unchanged. */
    LogStore reopened(LogStore store) throws Exception {
        return store;
    }

    static List<Entry> entries(long term, long from, long toInclusive) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= toInclusive; i++) {
            out.add(Entry.normal(term, i, ("entry-" + term + "-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    @Test
    void aFreshLogIsEmptyAtIndexZero() throws Exception {
        LogStore log = store();
        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(0);
        assertThat(log.term(0)).isEqualTo(0);
        assertThat(log.hardState()).isEqualTo(HardState.EMPTY);
        assertThat(log.snapshot()).isEqualTo(SnapshotMetadata.EMPTY);
        assertThat(log.entries(1, 1, Long.MAX_VALUE)).isEmpty();
        assertThatThrownBy(() -> log.term(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void appendedEntriesReadBackInOrder() throws Exception {
        LogStore log = store();
        log.append(entries(1, 1, 5));
        log.append(entries(2, 6, 9));
        log = reopened(log);
        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(9);
        assertThat(log.term(5)).isEqualTo(1);
        assertThat(log.term(6)).isEqualTo(2);
        List<Entry> expected = new ArrayList<>(entries(1, 1, 5));
        expected.addAll(entries(2, 6, 9));
        assertThat(log.entries(1, 10, Long.MAX_VALUE)).containsExactlyElementsOf(expected);
        assertThat(log.entries(3, 7, Long.MAX_VALUE)).containsExactlyElementsOf(expected.subList(2, 6));
    }

    @Test
    void entriesStopBeforeMaxBytesButReturnAtLeastOne() throws Exception {
        LogStore log = store();
        List<Entry> written = entries(1, 1, 6);
        log.append(written);
        log = reopened(log);
        long one = written.get(0).sizeBytes();
        assertThat(log.entries(1, 7, 0)).containsExactly(written.get(0));
        assertThat(log.entries(1, 7, one * 2)).containsExactlyElementsOf(written.subList(0, 2));
        assertThat(log.entries(1, 7, one * 2 + one / 2)).containsExactlyElementsOf(written.subList(0, 2));
        assertThat(log.entries(2, 2, 0)).isEmpty();
    }

    @Test
    void aConflictingAppendReplacesTheSuffix() throws Exception {
        LogStore log = store();
        log.append(entries(1, 1, 6));
        log.append(entries(2, 4, 5));
        LogStore view = reopened(log);
        assertThat(view.lastIndex()).isEqualTo(5);
        List<Entry> expected = new ArrayList<>(entries(1, 1, 3));
        expected.addAll(entries(2, 4, 5));
        assertThat(view.entries(1, 6, Long.MAX_VALUE)).containsExactlyElementsOf(expected);
        assertThatThrownBy(() -> view.term(6)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void appendsThatLeaveAGapOrRewriteCommittedEntriesAreRejected() throws Exception {
        LogStore log = store();
        log.append(entries(1, 1, 3));
        assertThatThrownBy(() -> log.append(entries(1, 5, 6))).isInstanceOf(Invariants.InvariantViolation.class);
        log.setHardState(new HardState(1, 1, 2));
        assertThatThrownBy(() -> log.append(entries(2, 2, 3))).isInstanceOf(Invariants.InvariantViolation.class);
        assertThatThrownBy(() -> log.append(List.of(Entry.normal(1, 4, null), Entry.normal(1, 6, null))))
                .isInstanceOf(Invariants.InvariantViolation.class);
        assertThat(log.lastIndex()).isEqualTo(3);
    }

    @Test
    void hardStateIsKept() throws Exception {
        LogStore log = store();
        log.setHardState(new HardState(3, 2, 0));
        log.append(entries(3, 1, 2));
        log.setHardState(new HardState(3, 2, 2));
        log = reopened(log);
        assertThat(log.hardState()).isEqualTo(new HardState(3, 2, 2));
    }

    @Test
    void rangesOutsideTheLogThrow() throws Exception {
        LogStore log = store();
        log.append(entries(1, 1, 3));
        assertThatThrownBy(() -> log.entries(2, 5, Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> log.entries(3, 2, Long.MAX_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> log.term(4)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void createSnapshotCompactsBehindItKeepingTrailingEntries() throws Exception {
        LogStore log = store();
        log.append(entries(1, 1, 5));
        log.append(entries(2, 6, 10));
        log.setHardState(new HardState(2, 1, 10));
        SnapshotMetadata snapshot = new SnapshotMetadata(8, 2, CONF);
        log.createSnapshot(snapshot, 2);
        log = reopened(log);
        assertThat(log.snapshot()).isEqualTo(snapshot);
        assertThat(log.firstIndex()).isEqualTo(7);
        assertThat(log.lastIndex()).isEqualTo(10);
        assertThat(log.term(6)).isEqualTo(2);
        assertThat(log.snapshot().index()).isGreaterThanOrEqualTo(log.firstIndex() - 1);
        LogStore view = log;
        assertThatThrownBy(() -> view.term(5)).isInstanceOf(LogView.LogCompactedException.class);
        assertThatThrownBy(() -> view.entries(6, 8, Long.MAX_VALUE)).isInstanceOf(LogView.LogCompactedException.class);
        assertThat(log.entries(7, 11, Long.MAX_VALUE)).containsExactlyElementsOf(entries(2, 7, 10));
    }

    @Test
    void createSnapshotWithoutTrailingEntriesCompactsToTheSnapshot() throws Exception {
        LogStore log = store();
        log.append(entries(1, 1, 4));
        log.setHardState(new HardState(1, 1, 4));
        log.createSnapshot(new SnapshotMetadata(4, 1, CONF), 0);
        log = reopened(log);
        assertThat(log.firstIndex()).isEqualTo(5);
        assertThat(log.lastIndex()).isEqualTo(4);
        assertThat(log.term(4)).isEqualTo(1);
        log.append(entries(2, 5, 6));
        log = reopened(log);
        assertThat(log.entries(5, 7, Long.MAX_VALUE)).containsExactlyElementsOf(entries(2, 5, 6));
    }

    @Test
    void aLaterSnapshotAtAnAlreadyCompactedIndexOnlyUpdatesTheMetadata() throws Exception {
        LogStore log = store();
        log.append(entries(1, 1, 6));
        log.setHardState(new HardState(1, 1, 6));
        log.createSnapshot(new SnapshotMetadata(5, 1, CONF), 0);
        log.createSnapshot(new SnapshotMetadata(6, 1, CONF), 3);
        log = reopened(log);
        assertThat(log.snapshot().index()).isEqualTo(6);
        assertThat(log.firstIndex()).isEqualTo(6);
    }

    @Test
    void installSnapshotReplacesTheWholeLog() throws Exception {
        LogStore log = store();
        log.append(entries(1, 1, 5));
        SnapshotMetadata snapshot = new SnapshotMetadata(20, 4, CONF);
        log.installSnapshot(snapshot);
        log = reopened(log);
        assertThat(log.snapshot()).isEqualTo(snapshot);
        assertThat(log.firstIndex()).isEqualTo(21);
        assertThat(log.lastIndex()).isEqualTo(20);
        assertThat(log.term(20)).isEqualTo(4);
        LogStore view = log;
        assertThatThrownBy(() -> view.term(19)).isInstanceOf(LogView.LogCompactedException.class);
        log.append(entries(4, 21, 22));
        assertThat(log.entries(21, 23, Long.MAX_VALUE)).containsExactlyElementsOf(entries(4, 21, 22));
        assertThatThrownBy(() -> view.installSnapshot(new SnapshotMetadata(10, 2, CONF)))
                .isInstanceOf(Invariants.InvariantViolation.class);
    }

    @Test
    void appendingBelowTheCompactionPointSkipsTheCoveredPrefix() throws Exception {
        LogStore log = store();
        log.installSnapshot(new SnapshotMetadata(10, 2, CONF));
        log.append(entries(2, 8, 13));
        log = reopened(log);
        assertThat(log.firstIndex()).isEqualTo(11);
        assertThat(log.lastIndex()).isEqualTo(13);
        assertThat(log.entries(11, 14, Long.MAX_VALUE)).containsExactlyElementsOf(entries(2, 11, 13));
        log.append(entries(2, 9, 10));
        assertThat(log.lastIndex()).isEqualTo(13);
    }

    @Test
    void snapshotsMustNotGoBackwardsOrPastTheLog() throws Exception {
        LogStore log = store();
        log.append(entries(1, 1, 5));
        log.setHardState(new HardState(1, 1, 5));
        assertThatThrownBy(() -> log.createSnapshot(new SnapshotMetadata(6, 1, CONF), 0))
                .isInstanceOf(Invariants.InvariantViolation.class);
        assertThatThrownBy(() -> log.createSnapshot(new SnapshotMetadata(4, 9, CONF), 0))
                .isInstanceOf(Invariants.InvariantViolation.class);
        log.createSnapshot(new SnapshotMetadata(4, 1, CONF), 0);
        assertThatThrownBy(() -> log.createSnapshot(new SnapshotMetadata(3, 1, CONF), 0))
                .isInstanceOf(Invariants.InvariantViolation.class);
    }
}
