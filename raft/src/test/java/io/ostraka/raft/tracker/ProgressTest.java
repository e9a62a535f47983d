package io.ostraka.raft.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Per-follower progress: the probe/replicate/snapshot states, the window, stale responses. */
class ProgressTest {

    @Test
    void probeSendsOneMessageThenPausesUntilAnswered() {
        Progress p = new Progress(0, 5, 4, 0, false);
        assertThat(p.isPaused()).isFalse();
        p.sentEntries(3, 30);
        assertThat(p.isPaused()).isTrue();
        assertThat(p.next()).as("probe does not advance next optimistically").isEqualTo(5);
        p.clearProbeSent();
        assertThat(p.isPaused()).isFalse();
    }

    @Test
    void replicateAdvancesOptimisticallyUntilTheWindowIsFull() {
        Progress p = new Progress(4, 5, 2, 0, false);
        p.becomeReplicate();
        p.sentEntries(2, 10);
        assertThat(p.next()).isEqualTo(7);
        p.sentEntries(1, 10);
        assertThat(p.isPaused()).isTrue();
        assertThat(p.maybeUpdate(6)).isTrue();
        p.inflights().freeUpTo(6);
        assertThat(p.isPaused()).isFalse();
        assertThat(p.match()).isEqualTo(6);
    }

    @Test
    void rejectionsInProbeFollowTheHintAndIgnoreStaleOnes() {
        Progress p = new Progress(0, 10, 4, 0, false);
        assertThat(p.maybeDecreaseTo(5, 3)).as("not an answer to our probe at 9").isFalse();
        assertThat(p.maybeDecreaseTo(9, 3)).isTrue();
        assertThat(p.next()).isEqualTo(4);
        assertThat(p.maybeDecreaseTo(3, 0)).isTrue();
        assertThat(p.next()).isEqualTo(1);
    }

    @Test
    void rejectionsInReplicateFallBackToMatch() {
        Progress p = new Progress(5, 6, 4, 0, false);
        p.becomeReplicate();
        p.sentEntries(3, 30);
        assertThat(p.maybeDecreaseTo(4, 2)).as("at or below match: stale").isFalse();
        assertThat(p.maybeDecreaseTo(7, 2)).isTrue();
        assertThat(p.next()).isEqualTo(6);
    }

    @Test
    void snapshotStatePausesAndProbesAfterTheSnapshotWhenDone() {
        Progress p = new Progress(2, 3, 4, 0, false);
        p.becomeSnapshot(20);
        assertThat(p.isPaused()).isTrue();
        assertThat(p.pendingSnapshot()).isEqualTo(20);
        p.becomeProbe();
        assertThat(p.next()).isEqualTo(21);
        p.becomeSnapshot(30);
        p.abortSnapshot();
        p.becomeProbe();
        assertThat(p.next()).isEqualTo(3);
        assertThat(p.toString()).contains("PROBE");
    }

    @Test
    void staleAcknowledgementsDoNotMoveMatchBack() {
        Progress p = new Progress(0, 1, 4, 0, true);
        assertThat(p.maybeUpdate(5)).isTrue();
        assertThat(p.maybeUpdate(3)).isFalse();
        assertThat(p.match()).isEqualTo(5);
        assertThat(p.isLearner()).isTrue();
        p.ackRound(7);
        p.ackRound(3);
        assertThat(p.ackedRound()).isEqualTo(7);
    }

    @Test
    void inflightsAreBoundedByCountAndBytes() {
        Inflights in = new Inflights(3, 100);
        in.add(1, 40);
        in.add(2, 40);
        assertThat(in.isFull()).isFalse();
        in.add(3, 30);
        assertThat(in.isFull()).isTrue();
        in.freeUpTo(2);
        assertThat(in.count()).isEqualTo(1);
        assertThat(in.bytes()).isEqualTo(30);
        in.add(4, 10);
        in.add(5, 10);
        in.freeUpTo(5);
        assertThat(in.count()).isZero();
        assertThatThrownBy(() -> {
            Inflights small = new Inflights(1, 0);
            small.add(1, 1);
            small.add(2, 1);
        }).hasMessageContaining("full");
        Inflights ordered = new Inflights(4, 0);
        ordered.add(5, 1);
        assertThatThrownBy(() -> ordered.add(5, 1)).hasMessageContaining("not after");
    }
}
