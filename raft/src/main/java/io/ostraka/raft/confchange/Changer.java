package io.ostraka.raft.confchange;

import io.ostraka.raft.ConfState;
import java.util.Set;
import java.util.TreeSet;

/**
 * Computes the configuration that results from applying a {@link ConfChange} to a current
 * one. Pure: it validates and returns a new {@link ConfState}, or throws
 * {@link ConfChangeException} naming the rule that the change breaks.
 *
 * <p>Rules (thesis §4.1, §4.3; etcd's confchange package follows the same ones):
 * a single-step change may alter at most one voter; a joint configuration must be left before
 * another is entered; a change may not leave a configuration without voters; learners and
 * voters are disjoint, and a voter of C_old demoted to learner waits in {@code learnersNext}
 * until the joint configuration is left.
 */
public final class Changer {
    private Changer() {}

    public static ConfState apply(ConfState current, ConfChange change) {
        if (change.isLeaveJoint()) {
            return leaveJoint(current);
        }
        if (current.voters().isEmpty() && !current.isJoint()) {
            return bootstrap(current, change);
        }
        boolean simple = change.transition() == ConfChange.Transition.AUTO && changesAtMostOneVoter(current, change);
        return simple ? simple(current, change) : enterJoint(current, change);
    }

    private static boolean changesAtMostOneVoter(ConfState current, ConfChange change) {
        if (change.changes().size() != 1) {
            return false;
        }
        Working w = new Working(current);
        w.applyAll(change);
        return symmetricDifference(current.voters(), w.incoming) <= 1;
    }

    /**
     * The first configuration of a group: a configuration without voters is no cluster yet, so
     * the first change may name any number of members at once.
     */
    static ConfState bootstrap(ConfState current, ConfChange change) {
        Working w = new Working(current);
        w.applyAll(change);
        return w.build(false);
    }

    static ConfState simple(ConfState current, ConfChange change) {
        if (current.isJoint()) {
            throw new ConfChangeException("cannot apply a single-step change while in a joint configuration " + current);
        }
        Working w = new Working(current);
        w.applyAll(change);
        if (symmetricDifference(current.voters(), w.incoming) > 1) {
            throw new ConfChangeException("a single-step change may alter at most one voter: " + change);
        }
        return w.build(false);
    }

    static ConfState enterJoint(ConfState current, ConfChange change) {
        if (current.isJoint()) {
            throw new ConfChangeException("already in joint configuration " + current + "; leave it first");
        }
        if (current.voters().isEmpty()) {
            throw new ConfChangeException("cannot enter a joint configuration from one without voters");
        }
        Working w = new Working(current);
        w.outgoing.addAll(current.voters());
        w.applyAll(change);
        return w.build(change.transition() != ConfChange.Transition.JOINT_EXPLICIT);
    }

    static ConfState leaveJoint(ConfState current) {
        if (!current.isJoint()) {
            throw new ConfChangeException("not in a joint configuration: " + current);
        }
        TreeSet<Long> learners = new TreeSet<>(current.learners());
        learners.addAll(current.learnersNext());
        return new ConfState(current.voters(), learners, Set.of(), Set.of(), false);
    }

    private static int symmetricDifference(Set<Long> a, Set<Long> b) {
        int n = 0;
        for (Long id : a) {
            if (!b.contains(id)) {
                n++;
            }
        }
        for (Long id : b) {
            if (!a.contains(id)) {
                n++;
            }
        }
        return n;
    }

    /** Mutable copy of a configuration while changes are applied. */
    private static final class Working {
        final TreeSet<Long> incoming;
        final TreeSet<Long> outgoing;
        final TreeSet<Long> learners;
        final TreeSet<Long> learnersNext;

        Working(ConfState c) {
            incoming = new TreeSet<>(c.voters());
            outgoing = new TreeSet<>(c.votersOutgoing());
            learners = new TreeSet<>(c.learners());
            learnersNext = new TreeSet<>(c.learnersNext());
        }

        void applyAll(ConfChange change) {
            for (ConfChange.Single s : change.changes()) {
                switch (s.type()) {
                    case ADD_VOTER -> {
                        learners.remove(s.nodeId());
                        learnersNext.remove(s.nodeId());
                        incoming.add(s.nodeId());
                    }
                    case ADD_LEARNER -> {
                        incoming.remove(s.nodeId());
                        learnersNext.remove(s.nodeId());
                        learners.remove(s.nodeId());
                        // A voter of the outgoing half keeps voting there until the joint config is left.
                        if (outgoing.contains(s.nodeId())) {
                            learnersNext.add(s.nodeId());
                        } else {
                            learners.add(s.nodeId());
                        }
                    }
                    case REMOVE -> {
                        incoming.remove(s.nodeId());
                        learners.remove(s.nodeId());
                        learnersNext.remove(s.nodeId());
                    }
                }
            }
        }

        ConfState build(boolean autoLeave) {
            if (incoming.isEmpty()) {
                throw new ConfChangeException("the change removes every voter");
            }
            return new ConfState(incoming, learners, outgoing, learnersNext, autoLeave && !outgoing.isEmpty());
        }
    }
}
