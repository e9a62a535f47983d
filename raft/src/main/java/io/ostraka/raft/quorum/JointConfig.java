package io.ostraka.raft.quorum;

import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.LongUnaryOperator;

/**
 * The voters of a possibly joint configuration (Raft §6, thesis §4.3): a decision needs a
 * majority of the incoming configuration <em>and</em> a majority of the outgoing one. Outside a
 * joint configuration the outgoing half is empty and agrees to everything.
 */
public final class JointConfig {
    private final MajorityConfig incoming;
    private final MajorityConfig outgoing;

    public JointConfig(Set<Long> incoming, Set<Long> outgoing) {
        this.incoming = new MajorityConfig(incoming);
        this.outgoing = new MajorityConfig(outgoing);
    }

    public MajorityConfig incoming() {
        return incoming;
    }

    public MajorityConfig outgoing() {
        return outgoing;
    }

    public boolean isJoint() {
        return !outgoing.isEmpty();
    }

    /** Every voter of either half, sorted. */
    public SortedSet<Long> ids() {
        TreeSet<Long> ids = new TreeSet<>(incoming.voters());
        ids.addAll(outgoing.voters());
        return ids;
    }

    public boolean contains(long id) {
        return incoming.voters().contains(id) || outgoing.voters().contains(id);
    }

    /** The largest index committed under both halves; 0 when there are no voters at all. */
    public long committedIndex(LongUnaryOperator ackedIndex) {
        long committed = Math.min(incoming.committedIndex(ackedIndex), outgoing.committedIndex(ackedIndex));
        return committed == Long.MAX_VALUE ? 0 : committed;
    }

    public VoteResult voteResult(Map<Long, Boolean> votes) {
        VoteResult in = incoming.voteResult(votes);
        VoteResult out = outgoing.voteResult(votes);
        if (in == out) {
            return in;
        }
        if (in == VoteResult.LOST || out == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }

    @Override
    public String toString() {
        return isJoint() ? incoming + "&&" + outgoing : incoming.toString();
    }
}
