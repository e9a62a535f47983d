package io.ostraka.raft.quorum;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.LongUnaryOperator;

/**
 * A set of voters that decides by simple majority (Raft §5.2, §5.3).
 *
 * <p>An empty configuration is a convention, not a cluster: it agrees to everything (commit
 * index {@link Long#MAX_VALUE}, every vote won), so that a joint configuration whose outgoing
 * half is empty behaves exactly like its incoming half alone.
 */
public final class MajorityConfig {
    private final SortedSet<Long> voters;

    public MajorityConfig(java.util.Set<Long> voters) {
        this.voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
    }

    public SortedSet<Long> voters() {
        return voters;
    }

    public boolean isEmpty() {
        return voters.isEmpty();
    }

    /** Votes needed to win: ⌊n/2⌋ + 1. */
    public int quorumSize() {
        return voters.size() / 2 + 1;
    }

    /**
     * The largest index acknowledged by a majority: sort the voters' acknowledged indexes and
     * take the one at position quorum-1 from the top. Unknown voters count as 0.
     */
    public long committedIndex(LongUnaryOperator ackedIndex) {
        if (voters.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long[] acked = new long[voters.size()];
        int k = 0;
        for (long id : voters) {
            acked[k++] = ackedIndex.applyAsLong(id);
        }
        Arrays.sort(acked);
        return acked[acked.length - quorumSize()];
    }

    /** Counts votes; a voter absent from {@code votes} has not answered yet. */
    public VoteResult voteResult(Map<Long, Boolean> votes) {
        if (voters.isEmpty()) {
            return VoteResult.WON;
        }
        int granted = 0;
        int missing = 0;
        for (long id : voters) {
            Boolean v = votes.get(id);
            if (v == null) {
                missing++;
            } else if (v) {
                granted++;
            }
        }
        int quorum = quorumSize();
        if (granted >= quorum) {
            return VoteResult.WON;
        }
        if (granted + missing >= quorum) {
            return VoteResult.PENDING;
        }
        return VoteResult.LOST;
    }

    @Override
    public String toString() {
        return voters.toString();
    }
}
