package io.ostraka.raft;

/**
 * The state Raft must persist before answering anyone: the current term, the vote cast in it
 * (0 when none) and the commit index last known.
 */
public record HardState(long term, long vote, long commit) {
    public static final HardState EMPTY = new HardState(0, 0, 0);

    public HardState {
        Invariants.check(term >= 0 && vote >= 0 && commit >= 0,
                "hard state has a negative field: term %d vote %d commit %d", term, vote, commit);
    }

    public boolean isEmpty() {
        return equals(EMPTY);
    }
}
