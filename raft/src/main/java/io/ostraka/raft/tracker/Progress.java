package io.ostraka.raft.tracker;

import io.ostraka.raft.Invariants;

/**
 * The leader's view of one follower (Raft §5.3 nextIndex/matchIndex, with etcd's flow states).
 *
 * <p>Transitions: PROBE → REPLICATE when an APPEND is accepted; REPLICATE → PROBE on a
 * rejection or when the peer is reported unreachable; any → SNAPSHOT when the entries the
 * peer needs are compacted; SNAPSHOT → PROBE when the snapshot is reported or acknowledged.
 */
public final class Progress {
    // Invariant: 0 <= match < next
    private long match;
    private long next;
    private ProgressState state = ProgressState.PROBE;
    /** In SNAPSHOT state, the index of the snapshot being sent. */
    private long pendingSnapshot;
    /** In PROBE state, whether a probe was sent since the last heartbeat tick. */
    private boolean probeSent;
    /** Heard from since the last check-quorum round. */
    private boolean recentActive;
    /** The highest heartbeat round this peer acknowledged (read index and lease). */
    private long ackedRound;
    private boolean learner;
    /** The highest commit index a message to this peer could make it apply (see {@link #commitSent}). */
    private long commitSent;
    private final Inflights inflights;

    public Progress(long match, long next, int maxInflightMessages, long maxInflightBytes, boolean learner) {
        this.match = match;
        this.next = next;
        this.learner = learner;
        this.inflights = new Inflights(maxInflightMessages, maxInflightBytes);
        checkInvariant();
    }

    private void checkInvariant() {
        Invariants.check(match >= 0 && match < next, "progress match %d next %d", match, next);
    }

    private void resetState(ProgressState newState) {
        probeSent = false;
        pendingSnapshot = 0;
        state = newState;
        inflights.reset();
    }

    public void becomeProbe() {
        if (state == ProgressState.SNAPSHOT) {
            long snapshotIndex = pendingSnapshot;
            resetState(ProgressState.PROBE);
            next = Math.max(match + 1, snapshotIndex + 1);
        } else {
            resetState(ProgressState.PROBE);
            next = match + 1;
        }
        checkInvariant();
    }

    public void becomeReplicate() {
        resetState(ProgressState.REPLICATE);
        next = match + 1;
    }

    public void becomeSnapshot(long snapshotIndex) {
        resetState(ProgressState.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
    }

    /**
     * Records that the follower's log matches the leader's up to {@code index}. Returns false if
     * the information is stale (it does not advance {@code match}).
     */
    public boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        checkInvariant();
        return updated;
    }

    /** Optimistically advances {@code next} after sending entries up to {@code lastSent}. */
    public void sentEntries(int entryCount, long messageBytes) {
        if (state == ProgressState.REPLICATE) {
            if (entryCount > 0) {
                long last = next + entryCount - 1;
                inflights.add(last, messageBytes);
                next = last + 1;
            }
        } else if (state == ProgressState.PROBE) {
            probeSent = true;
        }
    }

    /**
     * Handles a rejected APPEND whose probe was at {@code rejected}; {@code hint} is where the
     * leader should try next. Returns false for a stale rejection that changes nothing.
     */
    public boolean maybeDecreaseTo(long rejected, long hint) {
        if (state == ProgressState.REPLICATE) {
            if (rejected <= match) {
                return false; // stale: we already know the follower matches there
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) {
            return false; // stale: not an answer to our latest probe
        }
        next = Math.max(Math.min(rejected, hint + 1), match + 1);
        probeSent = false;
        checkInvariant();
        return true;
    }

    /** Whether sending more to this peer must wait (probe outstanding, window full, snapshot). */
    public boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.isFull();
            case SNAPSHOT -> true;
        };
    }

    public long match() { return match; }
    public long next() { return next; }
    public ProgressState state() { return state; }
    public long pendingSnapshot() { return pendingSnapshot; }
    public boolean recentActive() { return recentActive; }
    public void setRecentActive(boolean active) { recentActive = active; }
    public boolean isLearner() { return learner; }
    public void setLearner(boolean learner) { this.learner = learner; }
    public Inflights inflights() { return inflights; }
    public long ackedRound() { return ackedRound; }
    public long commitSent() { return commitSent; }

    /**
     * Records that a message told this peer the commit index is {@code index}, capped at what the
     * message lets it apply (an APPEND's last entry, a heartbeat's {@code min(match, commit)}).
     */
    public void commitSent(long index) {
        commitSent = Math.max(commitSent, index);
    }

    public void ackRound(long round) {
        ackedRound = Math.max(ackedRound, round);
    }

    /** In PROBE state, hold further probes until the peer answers or a heartbeat round passes. */
    public void pauseProbe() {
        probeSent = true;
    }

    /** Forgets a snapshot that failed to reach the peer, so probing restarts from {@code match}. */
    public void abortSnapshot() {
        pendingSnapshot = 0;
    }

    /** Allows one more probe; called on each heartbeat so a lost probe is retried. */
    public void clearProbeSent() {
        probeSent = false;
    }

    /**
     * On a heartbeat response from a peer whose window is full: the peer is alive but the
     * oldest APPEND was probably lost, so free one slot and let replication resume.
     */
    public void freeFirstInflightIfFull() {
        if (state == ProgressState.REPLICATE && inflights.isFull()) {
            inflights.freeFirst();
        }
    }

    @Override
    public String toString() {
        String s = state + " match=" + match + " next=" + next;
        if (learner) {
            s += " learner";
        }
        if (state == ProgressState.SNAPSHOT) {
            s += " snapshot=" + pendingSnapshot;
        }
        if (inflights.count() > 0) {
            s += " inflight=" + inflights.count();
        }
        return s;
    }
}
