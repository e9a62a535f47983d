package io.ostraka.raft.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of quorum counting, checked against brute-force definitions: the committed index
 * is the largest value a majority has reached; a joint configuration commits the minimum of its
 * halves; a vote is won exactly when a majority granted, lost exactly when a majority cannot.
 */
class QuorumPropertiesTest {

    /** Brute force: the largest x such that more than half of the voters have acked >= x. */
    private static long bruteForceCommitted(Set<Long> voters, Map<Long, Long> acked) {
        long best = 0;
        for (long candidate : acked.values()) {
            int count = 0;
            for (long v : voters) {
                if (acked.getOrDefault(v, 0L) >= candidate) {
                    count++;
                }
            }
            if (count > voters.size() / 2) {
                best = Math.max(best, candidate);
            }
        }
        return best;
    }

    @Property
    void majorityCommittedIndexIsTheLargestValueAMajorityReached(
            @ForAll @Size(min = 1, max = 9) List<@IntRange(min = 0, max = 50) Integer> acks) {
        Set<Long> voters = new TreeSet<>();
        Map<Long, Long> acked = new HashMap<>();
        for (int i = 0; i < acks.size(); i++) {
            voters.add((long) i + 1);
            acked.put((long) i + 1, (long) acks.get(i));
        }
        MajorityConfig config = new MajorityConfig(voters);
        assertThat(config.committedIndex(id -> acked.getOrDefault(id, 0L))).isEqualTo(bruteForceCommitted(voters, acked));
    }

    @Property
    void committedIndexDoesNotDependOnOrder(@ForAll @Size(min = 1, max = 9) List<@IntRange(min = 0, max = 50) Integer> acks) {
        List<Integer> shuffled = new ArrayList<>(acks);
        Collections.reverse(shuffled);
        Set<Long> voters = new TreeSet<>();
        for (int i = 0; i < acks.size(); i++) {
            voters.add((long) i + 1);
        }
        MajorityConfig config = new MajorityConfig(voters);
        long a = config.committedIndex(id -> acks.get((int) id - 1));
        long b = config.committedIndex(id -> shuffled.get((int) id - 1));
        assertThat(a).isEqualTo(b);
    }

    @Provide
    Arbitrary<Map<Long, Long>> acks() {
        return Arbitraries.maps(Arbitraries.longs().between(1, 9), Arbitraries.longs().between(0, 40)).ofMaxSize(9);
    }

    @Property
    void jointCommittedIndexIsTheMinimumOfBothHalves(
            @ForAll @Size(min = 1, max = 5) Set<@IntRange(min = 1, max = 9) Integer> incoming,
            @ForAll @Size(max = 5) Set<@IntRange(min = 1, max = 9) Integer> outgoing,
            @ForAll("acks") Map<Long, Long> acked) {
        Set<Long> in = toLongs(incoming);
        Set<Long> out = toLongs(outgoing);
        JointConfig joint = new JointConfig(in, out);
        long expected = out.isEmpty() ? bruteForceCommitted(in, acked)
                : Math.min(bruteForceCommitted(in, acked), bruteForceCommitted(out, acked));
        assertThat(joint.committedIndex(id -> acked.getOrDefault(id, 0L))).isEqualTo(expected);
    }

    @Property
    void voteResultMatchesCounting(
            @ForAll @Size(min = 1, max = 7) Set<@IntRange(min = 1, max = 9) Integer> voterIds,
            @ForAll("votes") Map<Long, Boolean> votes) {
        Set<Long> voters = toLongs(voterIds);
        int granted = 0;
        int rejected = 0;
        for (long v : voters) {
            Boolean b = votes.get(v);
            if (b != null && b) {
                granted++;
            } else if (b != null) {
                rejected++;
            }
        }
        int quorum = voters.size() / 2 + 1;
        VoteResult expected = granted >= quorum ? VoteResult.WON
                : voters.size() - rejected < quorum ? VoteResult.LOST : VoteResult.PENDING;
        assertThat(new MajorityConfig(voters).voteResult(votes)).isEqualTo(expected);
    }

    @Provide
    Arbitrary<Map<Long, Boolean>> votes() {
        return Arbitraries.maps(Arbitraries.longs().between(1, 9), Arbitraries.of(true, false)).ofMaxSize(9)
                .map(TreeMap::new);
    }

    @Property
    void jointVoteNeedsBothHalves(
            @ForAll @Size(min = 1, max = 5) Set<@IntRange(min = 1, max = 9) Integer> incoming,
            @ForAll @Size(min = 1, max = 5) Set<@IntRange(min = 1, max = 9) Integer> outgoing,
            @ForAll("votes") Map<Long, Boolean> votes) {
        JointConfig joint = new JointConfig(toLongs(incoming), toLongs(outgoing));
        VoteResult in = joint.incoming().voteResult(votes);
        VoteResult out = joint.outgoing().voteResult(votes);
        VoteResult both = joint.voteResult(votes);
        assertThat(both == VoteResult.WON).isEqualTo(in == VoteResult.WON && out == VoteResult.WON);
        assertThat(both == VoteResult.LOST).isEqualTo(in == VoteResult.LOST || out == VoteResult.LOST);
    }

    @Property
    void anEmptyConfigurationAgreesToEverything(@ForAll("votes") Map<Long, Boolean> votes) {
        MajorityConfig empty = new MajorityConfig(Set.of());
        assertThat(empty.voteResult(votes)).isEqualTo(VoteResult.WON);
        assertThat(empty.committedIndex(id -> 0)).isEqualTo(Long.MAX_VALUE);
        assertThat(new JointConfig(Set.of(), Set.of()).committedIndex(id -> 5)).isZero();
    }

    private static Set<Long> toLongs(Set<Integer> ids) {
        Set<Long> out = new TreeSet<>();
        for (int i : ids) {
            out.add((long) i);
        }
        return out;
    }

}
