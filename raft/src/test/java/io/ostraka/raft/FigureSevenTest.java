package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Raft paper's Figure 7: a leader of term 8 meets followers whose logs are missing
 * entries (a, b), have extra uncommitted entries (c, d), or both (e, f). Replication repairs
 * each one to exactly the leader's log (§5.3), and the rejection hints let the leader skip
 * whole terms instead of single entries.
 */
class FigureSevenTest {
    private static final long[] LEADER = {1, 1, 1, 4, 4, 5, 5, 6, 6, 6};

    static Stream<Arguments> followers() {
        return Stream.of(
                Arguments.of("a", new long[] {1, 1, 1, 4, 4, 5, 5, 6, 6}),
                Arguments.of("b", new long[] {1, 1, 1, 4}),
                Arguments.of("c", new long[] {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6}),
                Arguments.of("d", new long[] {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7}),
                Arguments.of("e", new long[] {1, 1, 1, 4, 4, 4, 4}),
                Arguments.of("f", new long[] {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3}));
    }

    @ParameterizedTest(name = "follower ({0})")
    @MethodSource("followers")
    void leaderRepairsTheFollowerToItsOwnLog(String name, long[] follower) {
        // Node 3 shares the leader's log so the leader can win term 8 even if 2 refuses.
        Cluster c = Cluster.withLogs(b -> b.preVote(false), 7, Map.of(1L, LEADER, 2L, follower, 3L, LEADER));
        c.elect(1);
        assertThat(c.core(1).term()).isEqualTo(8);

        List<Long> expected = new ArrayList<>();
        for (long t : LEADER) {
            expected.add(t);
        }
        expected.add(8L); // the new leader's no-op
        assertThat(c.termsOf(2)).as("follower (%s) repaired", name).isEqualTo(expected);
        assertThat(c.core(2).committed()).isEqualTo(11);
        assertThat(c.node(2).log.entries(2, 12, Long.MAX_VALUE))
                .isEqualTo(c.node(1).log.entries(2, 12, Long.MAX_VALUE));

        // Fast backtracking: a repair needs at most one rejected probe per conflicting term.
        long rejections = c.trace.stream().filter(t -> t.startsWith("deliver 2->1 APPEND_RESPONSE") && t.contains("REJECT")).count();
        assertThat(rejections).as("rejections for (%s)", name).isLessThanOrEqualTo(3);
    }
}
