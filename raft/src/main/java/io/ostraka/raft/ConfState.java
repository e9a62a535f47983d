package io.ostraka.raft;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A cluster configuration as stored with a snapshot or recomputed from the log.
 *
 * <p>Outside a joint configuration {@code votersOutgoing} and {@code learnersNext} are empty.
 * In a joint configuration C_old,new, {@code voters} is C_new and {@code votersOutgoing} is
 * C_old; {@code learnersNext} holds nodes that are voters in C_old and will become learners
 * in C_new. {@code autoLeave} asks the leader to propose leaving the joint configuration as
 * soon as entering it commits. Sets are sorted so iteration order is deterministic.
 */
public record ConfState(
        SortedSet<Long> voters,
        SortedSet<Long> learners,
        SortedSet<Long> votersOutgoing,
        SortedSet<Long> learnersNext,
        boolean autoLeave) {

    public static final ConfState EMPTY = new ConfState(Set.of(), Set.of(), Set.of(), Set.of(), false);

    public ConfState(Set<Long> voters, Set<Long> learners, Set<Long> votersOutgoing,
                     Set<Long> learnersNext, boolean autoLeave) {
        this(frozen(voters), frozen(learners), frozen(votersOutgoing), frozen(learnersNext), autoLeave);
    }

    public ConfState {
        for (Long learner : learners) {
            Invariants.check(!voters.contains(learner) && !votersOutgoing.contains(learner),
                    "node %d is both a learner and a voter in %s", learner, voters);
        }
        Invariants.check(!votersOutgoing.isEmpty() || learnersNext.isEmpty(),
                "learnersNext %s outside a joint configuration", learnersNext);
    }

    /** A simple (non-joint) configuration with the given voters and no learners. */
    public static ConfState ofVoters(Long... voters) {
        return new ConfState(Set.of(voters), Set.of(), Set.of(), Set.of(), false);
    }

    public boolean isJoint() {
        return !votersOutgoing.isEmpty();
    }

    /** True when the node takes any part in this configuration, as voter or learner. */
    public boolean contains(long nodeId) {
        return voters.contains(nodeId) || votersOutgoing.contains(nodeId)
                || learners.contains(nodeId) || learnersNext.contains(nodeId);
    }

    /** True when the node votes in at least one half of this configuration. */
    public boolean isVoter(long nodeId) {
        return voters.contains(nodeId) || votersOutgoing.contains(nodeId);
    }

    /** Every node of the configuration, sorted. */
    public SortedSet<Long> allNodes() {
        TreeSet<Long> all = new TreeSet<>(voters);
        all.addAll(votersOutgoing);
        all.addAll(learners);
        all.addAll(learnersNext);
        return Collections.unmodifiableSortedSet(all);
    }

    private static SortedSet<Long> frozen(Set<Long> ids) {
        for (Long id : ids) {
            Invariants.check(id != null && id > 0, "node id %s is not positive", id);
        }
        return Collections.unmodifiableSortedSet(new TreeSet<>(ids));
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("voters=").append(voters);
        if (isJoint()) {
            out.append("&&").append(votersOutgoing);
        }
        if (!learners.isEmpty()) {
            out.append(" learners=").append(learners);
        }
        if (!learnersNext.isEmpty()) {
            out.append(" learnersNext=").append(learnersNext);
        }
        if (autoLeave) {
            out.append(" autoLeave");
        }
        return out.toString();
    }
}
