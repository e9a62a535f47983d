package io.ostraka.sim;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.raft.Entry;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The safety checker is what turns a simulator run into evidence, so its checks must fire:
 * divergent entries are caught by their bytes, not by a hash that two payloads can share.
 */
class SafetyCheckerTest {
    /** Two payloads with the same {@link Arrays#hashCode(byte[])}: 31·(31+0)+31 = 31·(31+1)+0. */
    private static final byte[] A = {0, 31};
    private static final byte[] B = {1, 0};

    private Simulation sim;
    private SimNode one;
    private SimNode two;

    @BeforeEach
    void setUp() {
        sim = new Simulation(SimConfig.draw(1, SimConfig.Overrides.NONE), null);
        one = new SimNode(1, sim, new SplittableRandom(1));
        two = new SimNode(2, sim, new SplittableRandom(2));
        one.start();
        two.start();
    }

    @Test
    void theCollidingPayloadsReallyCollide() {
        org.assertj.core.api.Assertions.assertThat(Arrays.hashCode(A)).isEqualTo(Arrays.hashCode(B));
    }

    @Test
    void twoNodesPersistingDifferentEntriesAtOneIndexAndTermBreakLogMatching() {
        sim.safety.onPersist(one, List.of(Entry.normal(1, 1, A)));
        assertThatThrownBy(() -> sim.safety.onPersist(two, List.of(Entry.normal(1, 1, B))))
                .isInstanceOf(SafetyViolation.class).hasMessageStartingWith("log matching");
    }

    @Test
    void twoNodesApplyingDifferentEntriesAtOneIndexBreakStateMachineSafety() {
        sim.safety.onApply(one, Entry.normal(1, 1, A));
        assertThatThrownBy(() -> sim.safety.onApply(two, Entry.normal(1, 1, B)))
                .isInstanceOf(SafetyViolation.class).hasMessageStartingWith("state machine safety");
        assertThatThrownBy(() -> sim.safety.onApply(two, Entry.normal(2, 1, A)))
                .as("the same payload in another term").isInstanceOf(SafetyViolation.class);
    }

    @Test
    void theSameEntryTwiceIsNoViolation() {
        sim.safety.onPersist(one, List.of(Entry.normal(1, 1, A)));
        sim.safety.onPersist(two, List.of(Entry.normal(1, 1, A.clone())));
        sim.safety.onApply(one, Entry.normal(1, 1, A));
        sim.safety.onApply(two, Entry.normal(1, 1, A.clone()));
    }
}
