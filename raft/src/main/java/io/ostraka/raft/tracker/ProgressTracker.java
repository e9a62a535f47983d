package io.ostraka.raft.tracker;

import io.ostraka.raft.ConfState;
import io.ostraka.raft.quorum.JointConfig;
import io.ostraka.raft.quorum.VoteResult;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The configuration in force together with a {@link Progress} per member and the votes of the
 * current election. Maps are sorted by node id so every iteration order is deterministic.
 */
public final class ProgressTracker {
    private final int maxInflightMessages;
    private final long maxInflightBytes;
    private ConfState conf = ConfState.EMPTY;
    private JointConfig voters = new JointConfig(java.util.Set.of(), java.util.Set.of());
    private final TreeMap<Long, Progress> progress = new TreeMap<>();
    private final TreeMap<Long, Boolean> votes = new TreeMap<>();

    public ProgressTracker(int maxInflightMessages, long maxInflightBytes) {
        this.maxInflightMessages = maxInflightMessages;
        this.maxInflightBytes = maxInflightBytes;
    }

    /**
     * Switches to {@code newConf}: members that joined get a fresh progress probing from
     * {@code lastIndex + 1}; members that left lose theirs unless listed in {@code alsoReplicateTo}
     * (members of the last committed configuration: they keep receiving entries, as non-voters,
     * until the change that removed them commits, so they learn of their removal and go quiet).
     * Returns the progress of the members dropped.
     */
    public SortedMap<Long, Progress> applyConf(ConfState newConf, long lastIndex, Set<Long> alsoReplicateTo) {
        conf = newConf;
        voters = new JointConfig(newConf.voters(), newConf.votersOutgoing());
        TreeMap<Long, Progress> dropped = new TreeMap<>();
        progress.entrySet().removeIf(e -> {
            boolean drop = !newConf.contains(e.getKey()) && !alsoReplicateTo.contains(e.getKey());
            if (drop) {
                dropped.put(e.getKey(), e.getValue());
            }
            return drop;
        });
        TreeSet<Long> members = new TreeSet<>(newConf.allNodes());
        members.addAll(alsoReplicateTo);
        for (long id : members) {
            boolean learner = !newConf.isVoter(id);
            Progress p = progress.get(id);
            if (p == null) {
                p = new Progress(0, lastIndex + 1, maxInflightMessages, maxInflightBytes, learner);
                // A new member is assumed active: check-quorum must not depose the leader
                // before the newcomer had a chance to answer.
                p.setRecentActive(true);
                progress.put(id, p);
            } else {
                p.setLearner(learner);
            }
        }
        return dropped;
    }


    /**
     * A new leader knows nothing of its followers' logs: every member probes from just after
     * {@code lastIndex}, and the leader itself (a member or not) has matched everything.
     */
    public void resetProgress(long lastIndex) {
        for (Map.Entry<Long, Progress> e : progress.entrySet()) {
            Progress fresh = new Progress(0, lastIndex + 1, maxInflightMessages, maxInflightBytes, e.getValue().isLearner());
            fresh.setRecentActive(true);
            e.setValue(fresh);
        }
    }

    public ConfState conf() {
        return conf;
    }

    public JointConfig voters() {
        return voters;
    }

    public boolean isVoter(long id) {
        return voters.contains(id);
    }

    public Progress progress(long id) {
        return progress.get(id);
    }

    /** Every member's progress, sorted by id. */
    public SortedMap<Long, Progress> all() {
        return Collections.unmodifiableSortedMap(progress);
    }

    /** The largest index a quorum of voters has matched. */
    public long committed() {
        return quorumMin(Progress::match);
    }

    /** The largest value of {@code f} that a quorum of voters has reached. */
    public long quorumMin(ToLongFunction<Progress> f) {
        return voters.committedIndex(id -> {
            Progress p = progress.get(id);
            return p == null ? 0 : f.applyAsLong(p);
        });
    }

    /** Whether a quorum of voters was heard from recently; {@code self} always counts. */
    public boolean quorumActive(long self) {
        TreeMap<Long, Boolean> active = new TreeMap<>();
        for (Map.Entry<Long, Progress> e : progress.entrySet()) {
            if (!e.getValue().isLearner()) {
                active.put(e.getKey(), e.getKey() == self || e.getValue().recentActive());
            }
        }
        return voters.voteResult(active) == VoteResult.WON;
    }

    public void resetVotes() {
        votes.clear();
    }

    /** Records a vote; a voter's first answer in an election is the one that counts. */
    public void recordVote(long id, boolean granted) {
        votes.putIfAbsent(id, granted);
    }

    public VoteResult tallyVotes() {
        return voters.voteResult(votes);
    }

}
