package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.tracker.ProgressState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Snapshots (Raft §7): a follower behind the leader's first index receives a snapshot, the
 * leader's progress for it switches to SNAPSHOT and back, the follower's log restarts at the
 * snapshot, and a snapshot older than what a follower committed is refused.
 */
class SnapshotTest {

    @Test
    void aLaggingFollowerIsBroughtUpToDateWithASnapshot() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.isolate(3);
        for (int i = 0; i < 20; i++) {
            c.propose(1, "v" + i);
        }
        c.stabilize();
        c.snapshot(1, 2); // compact everything but 2 trailing entries
        assertThat(c.node(1).log.firstIndex()).isGreaterThan(3);

        c.heal();
        c.tick(1, 1);
        c.process(1);
        c.deliverMatching(m -> m.type() == MessageType.HEARTBEAT || m.type() == MessageType.HEARTBEAT_RESPONSE);
        c.deliverMatching(m -> m.type() == MessageType.HEARTBEAT_RESPONSE);
        c.deliverMatching(m -> m.to() == 3 && m.type() == MessageType.APPEND);
        c.deliverMatching(m -> m.from() == 3);
        assertThat(c.core(1).status().peers().get(3L).state()).isEqualTo(ProgressState.SNAPSHOT);
        c.stabilize(); // delivers the snapshot; the harness reports it delivered, like a transport
        c.tick(1, 1);
        c.stabilize();

        assertThat(c.node(3).log.snapshot().index()).isEqualTo(c.node(1).log.snapshot().index());
        assertThat(c.core(3).committed()).isEqualTo(c.core(1).committed());
        assertThat(c.appliedData(3)).isEqualTo(c.appliedData(1));
        assertThat(c.core(1).status().peers().get(3L).state()).isEqualTo(ProgressState.REPLICATE);
        assertThat(c.node(3).events).anyMatch(e -> e.type() == RaftEvent.Type.SNAPSHOT_RECEIVED);
    }

    /**
     * The runtime's log engine records a snapshot, and compacts, on its own thread: the compaction
     * can land between the leader's {@code isCompacted} check and its read of the entries. The
     * leader must then send the snapshot, not fail (which stops the group).
     */
    @Test
    void aCompactionBetweenTheCheckAndTheReadSendsTheSnapshotInstead() {
        Cluster c = Cluster.of(1, 2, 3);
        CompactingBeforeRead racing = new CompactingBeforeRead(c.node(1).log);
        c.viewOf = log -> log == racing.log ? racing : log;
        c.node(1).start(0);
        c.elect(1);
        c.isolate(3);
        for (int i = 0; i < 20; i++) {
            c.propose(1, "v" + i);
        }
        c.stabilize();
        c.snapshot(1, 1_000); // a snapshot, but every entry kept for now
        long firstBefore = c.node(1).log.firstIndex();
        racing.armed = true; // the next read of entries meets a compaction to the snapshot

        c.heal();
        c.tick(1, 1);
        c.process(1);
        c.deliverMatching(m -> m.type() == MessageType.HEARTBEAT || m.type() == MessageType.HEARTBEAT_RESPONSE);
        c.deliverMatching(m -> m.type() == MessageType.HEARTBEAT_RESPONSE);
        c.stabilize();
        c.tick(1, 1);
        c.stabilize();

        assertThat(racing.compactedAt).as("the race happened").isPositive();
        assertThat(c.node(1).log.firstIndex()).isGreaterThan(firstBefore);
        assertThat(c.node(3).events).anyMatch(e -> e.type() == RaftEvent.Type.SNAPSHOT_RECEIVED);
        assertThat(c.appliedData(3)).isEqualTo(c.appliedData(1));
    }

    /** A log view whose next read of compacted-to-be entries first compacts them, as a racing writer thread would. */
    private static final class CompactingBeforeRead implements LogView {
        final MemoryLog log;
        boolean armed;
        long compactedAt;

        CompactingBeforeRead(MemoryLog log) {
            this.log = log;
        }

        @Override
        public List<Entry> entries(long fromInclusive, long toExclusive, long maxBytes) {
            if (armed && fromInclusive <= log.snapshot().index()) {
                armed = false;
                compactedAt = log.snapshot().index();
                log.compact(compactedAt);
            }
            return log.entries(fromInclusive, toExclusive, maxBytes);
        }

        @Override
        public HardState hardState() {
            return log.hardState();
        }

        @Override
        public SnapshotMetadata snapshot() {
            return log.snapshot();
        }

        @Override
        public long firstIndex() {
            return log.firstIndex();
        }

        @Override
        public long lastIndex() {
            return log.lastIndex();
        }

        @Override
        public long term(long index) {
            return log.term(index);
        }
    }

    @Test
    void aMemberAddedAfterTheSnapshotIndexCatchesUpThroughIt() {
        // Found by the simulator (seed 48): the snapshot's configuration predates the newcomer.
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        for (int i = 0; i < 5; i++) {
            c.propose(1, "v" + i);
        }
        c.stabilize();
        c.snapshot(1, 0);
        c.addEmptyNode(4);
        c.proposeConf(1, io.ostraka.raft.confchange.ConfChange.addLearner(4));
        c.propose(1, "after");
        c.stabilize();
        c.tick(1, 1);
        c.stabilize();
        assertThat(c.node(4).log.snapshot().conf().contains(4)).isFalse();
        assertThat(c.core(4).conf().learners()).containsExactly(4L);
        assertThat(c.appliedData(4)).isEqualTo(c.appliedData(1));
    }

    @Test
    void aFailedSnapshotIsRetried() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.isolate(3);
        for (int i = 0; i < 5; i++) {
            c.propose(1, "v" + i);
        }
        c.stabilize();
        c.snapshot(1, 0);
        c.heal();
        c.tick(1, 1);
        c.process(1);
        c.deliverMatching(m -> m.type() == MessageType.HEARTBEAT);
        c.deliverMatching(m -> m.type() == MessageType.HEARTBEAT_RESPONSE);
        c.deliverMatching(m -> m.type() == MessageType.APPEND && m.to() == 3);
        c.deliverMatching(m -> m.from() == 3);
        assertThat(c.core(1).status().peers().get(3L).state()).isEqualTo(ProgressState.SNAPSHOT);
        c.core(1).reportSnapshot(3, false); // the transport failed to stream it
        assertThat(c.core(1).status().peers().get(3L).state()).isEqualTo(ProgressState.PROBE);
        c.dropMatching(m -> m.type() == MessageType.SNAPSHOT);
        for (int i = 0; i < 3; i++) {
            c.tick(1, 1);
            c.stabilize();
        }
        assertThat(c.appliedData(3)).containsExactly("v0", "v1", "v2", "v3", "v4");
    }

    @Test
    void aSnapshotOlderThanTheFollowersCommitIsIgnored() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        for (int i = 0; i < 5; i++) {
            c.propose(1, "v" + i);
        }
        c.settle();
        long committed = c.core(2).committed();
        Message old = Message.builder(MessageType.SNAPSHOT).groupId(1).from(1).to(2).term(c.core(1).term())
                .snapshot(new SnapshotMetadata(3, 2, c.core(1).conf())).build();
        c.deliver(old);
        assertThat(c.node(2).log.snapshot().index()).isZero();
        assertThat(c.core(2).committed()).isEqualTo(committed);
        Message reply = c.queued(m -> m.from() == 2).get(0);
        assertThat(reply.type()).isEqualTo(MessageType.APPEND_RESPONSE);
        assertThat(reply.index()).isEqualTo(committed);
    }

    @Test
    void aSnapshotMatchingTheLogOnlyAdvancesTheCommitIndex() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.propose(1, "a");
        // 2 gets the entry but not the commit.
        c.stabilizeExcept(m -> m.type() == MessageType.APPEND && m.to() == 2 && m.entries().isEmpty());
        long last = c.node(2).log.lastIndex();
        Message snap = Message.builder(MessageType.SNAPSHOT).groupId(1).from(1).to(2).term(c.core(1).term())
                .snapshot(new SnapshotMetadata(last, c.node(2).log.term(last), c.core(1).conf())).build();
        c.deliver(snap);
        assertThat(c.node(2).log.snapshot().index()).as("no install needed").isZero();
        assertThat(c.core(2).committed()).isEqualTo(last);
    }

    @Test
    void aRestartedNodeResumesFromItsSnapshot() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        for (int i = 0; i < 10; i++) {
            c.propose(1, "v" + i);
        }
        c.stabilize();
        c.snapshot(2, 1);
        c.crashAndRestart(2);
        assertThat(c.core(2).applied()).isEqualTo(c.node(2).log.snapshot().index());
        c.propose(1, "after");
        c.settle();
        assertThat(c.appliedData(2)).endsWith("v9", "after");
    }
}
