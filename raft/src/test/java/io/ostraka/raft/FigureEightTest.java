package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Raft paper's Figure 8 (§5.4.2): an entry of an earlier term that is stored on a majority
 * is still not committed, because a later leader may overwrite it. A leader commits entries of
 * earlier terms only by committing an entry of its own term after them.
 *
 * <p>Nodes S1..S5. Index 1 is the bootstrap entry; a leader's first entry of its term is its
 * no-op, which plays the role of the paper's entries.
 */
class FigureEightTest {
    private Cluster c;

    @BeforeEach
    void upToStepC() {
        // One entry per APPEND, so replication of index 2 and index 3 can be told apart.
        c = Cluster.with(b -> b.preVote(false).checkQuorum(false).maxMessageBytes(1), 1, 2, 3, 4, 5);

        // (a) S1 leads term 2 with votes of S2 and S3; its entry 2 (term 2) reaches only S2.
        c.core(1).campaign();
        c.process(1);
        c.dropMatching(m -> m.type() == MessageType.VOTE && (m.to() == 4 || m.to() == 5));
        c.stabilizeExcept(m -> m.type() == MessageType.APPEND && m.to() != 2 && m.from() == 1);
        assertThat(c.core(1).role()).isEqualTo(Role.LEADER);
        assertThat(c.termsOf(2)).containsExactly(1L, 2L);

        // (b) S1 crashes; S5 wins term 3 with S3 and S4 and appends entry 2 of term 3 locally only.
        c.isolate(1);
        c.cut(5, 2);
        while (c.core(5).role() != Role.LEADER) { // term 2 is lost (S3 voted for S1), term 3 is won
            c.core(5).campaign();
            c.process(5);
            c.stabilizeExcept(m -> m.type() == MessageType.APPEND && m.from() == 5);
        }
        assertThat(c.core(5).term()).isEqualTo(3);
        assertThat(c.termsOf(5)).containsExactly(1L, 3L);

        // (c) S5 crashes; S1 restarts and wins term 4; entry 2 (term 2) reaches S3 but the
        // no-op of term 4 (index 3) reaches nobody.
        c.network.clear();
        c.heal();
        c.crashAndRestart(5);
        c.crashAndRestart(1);
        c.isolate(5);
        while (c.core(1).role() != Role.LEADER) {
            c.core(1).campaign();
            c.process(1);
            c.stabilizeThrough(FigureEightTest::withoutTermFourEntry);
        }
        assertThat(c.core(1).term()).isEqualTo(4);
        c.stabilizeThrough(FigureEightTest::withoutTermFourEntry);
        assertThat(c.termsOf(1)).containsExactly(1L, 2L, 4L);
        assertThat(c.termsOf(2)).containsExactly(1L, 2L);
        assertThat(c.termsOf(3)).containsExactly(1L, 2L);
    }

    /** The network loses index 3 (term 4) on its way to every follower. */
    private static Message withoutTermFourEntry(Message m) {
        if (m.type() != MessageType.APPEND) {
            return m;
        }
        return m.toBuilder().entries(m.entries().stream().filter(e -> e.index() < 3).toList()).build();
    }

    @Test
    void anOldTermEntryOnAMajorityIsNotCommittedAndMayBeOverwritten() {
        assertThat(c.core(1).committed()).as("index 2 is on S1, S2, S3 but of term 2").isEqualTo(1);

        // (d) S1 crashes; S5 is elected with S2, S3, S4 (its last term 3 beats their 2) and
        // overwrites index 2 everywhere. Nothing committed is lost: index 2 never was.
        c.network.clear();
        c.heal();
        c.crashAndRestart(1);
        c.isolate(1);
        for (int attempt = 0; attempt < 3 && c.core(5).role() != Role.LEADER; attempt++) {
            c.core(5).campaign(); // term 4 is lost (everyone voted for S1), term 5 is won
            c.process(5);
            c.stabilize();
        }
        assertThat(c.core(5).role()).isEqualTo(Role.LEADER);
        assertThat(c.core(5).term()).isEqualTo(5);
        c.settle();
        assertThat(c.termsOf(2)).containsExactly(1L, 3L, 5L);
        assertThat(c.termsOf(3)).containsExactly(1L, 3L, 5L);
        assertThat(c.core(2).committed()).isEqualTo(3);
    }

    @Test
    void committingAnEntryOfTheCurrentTermCommitsTheOldOneAndS5CannotWin() {
        // (e) S1 replicates its term-4 entry to S2 and S3 before crashing: both commit now.
        c.tick(1, 1); // the next heartbeat round finds S2 and S3 missing index 3
        c.stabilizeExcept(m -> m.to() == 4 || m.to() == 5);
        assertThat(c.core(1).committed()).isEqualTo(3);
        c.network.clear();
        c.heal();
        c.crashAndRestart(1);
        c.isolate(1);
        for (int attempt = 0; attempt < 5; attempt++) {
            c.core(5).campaign();
            c.process(5);
            c.stabilize();
            assertThat(c.core(5).role()).isNotEqualTo(Role.LEADER);
        }
        assertThat(c.termsOf(2)).startsWith(1L, 2L, 4L);
    }
}
