package io.ostraka.raft;

import io.ostraka.raft.confchange.ConfChange;
import io.ostraka.raft.confchange.ConfChangeException;
import io.ostraka.raft.tracker.Progress;
import io.ostraka.raft.tracker.ProgressState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a node does while it leads: replication with per-follower flow control, the commit rule,
 * proposals, ReadIndex, the lease and leadership transfer. Exists exactly while its
 * {@link Raft} is in the LEADER role.
 *
 * <h2>Heartbeat rounds: ReadIndex and the lease</h2>
 * Every heartbeat broadcast is a numbered <em>round</em>; followers echo the round number and
 * each {@link Progress} remembers the highest round its peer acknowledged. A round acknowledged
 * by a quorum proves that, when the round was sent, no other leader could have committed
 * anything this one does not have (Raft thesis §6.4). A read records the commit index and the
 * round that will confirm it: the round whose heartbeats still sit unsent in the outbox if there
 * is one — so every read that arrives before the next {@code ready()} shares one round — or a new
 * round broadcast for it. Reads are released in order once a quorum acknowledges their round.
 *
 * <p>The lease (thesis §6.4.1) reuses the same rounds: it starts at the tick a quorum-acknowledged
 * round was <em>sent</em>, and lasts the minimum election timeout minus one tick minus the drift
 * margin. Followers that heard from us ignore vote requests for an election timeout (stickiness),
 * so no other leader can exist before the lease ends. The one tick is the phase error between
 * clocks that tick at the same rate: a follower's T-th tick after our heartbeat can come just
 * after T - 1 of our ticks. The margin is for drift in rate only. A transfer in progress voids the lease, since TIMEOUT_NOW
 * overrides stickiness.
 */
final class Leader {
    private static final int MAX_TRACKED_ROUNDS = 1024;

    private final Raft r;

    /** The peer leadership is being handed to, or NONE. */
    private long transferee = Raft.NONE;
    /** Ticks since the transfer in progress started: its own clock, so check-quorum keeps its. */
    private int transferElapsed;

    /** (last index, payload bytes) of uncommitted proposals, oldest first. */
    private final ArrayDeque<long[]> uncommitted = new ArrayDeque<>();
    private long uncommittedBytes;

    private long round;
    /** The round whose heartbeats are in the outbox, not yet handed out; 0 when none. */
    private long outboxRound;
    /** (round, tick sent) of rounds not yet acknowledged by a quorum. */
    private final ArrayDeque<long[]> roundsSent = new ArrayDeque<>();
    private long quorumAckedRound;
    private long leaseStartTick = -1;
    /**
     * Set once a TIMEOUT_NOW has left: however late it arrives, it lets its target win an election
     * that overrides stickiness, so no lease may be trusted for the rest of this term, even if the
     * transfer is aborted meanwhile.
     */
    private boolean leaseForfeited;

    private final ArrayDeque<PendingRead> reads = new ArrayDeque<>();
    /** Reads that arrived before this term's first commit; the commit index is not known to be current yet. */
    private final List<PendingRead> readsBeforeTermCommit = new ArrayList<>();

    private record PendingRead(long from, long context, long index, long round, boolean allowLease) {}

    Leader(Raft raft) {
        this.r = raft;
    }

    /** Called once on election: probe every follower from scratch and append this term's no-op. */
    void start() {
        r.tracker.resetProgress(r.log.lastIndex());
        appendEntries(List.of(new Entry(r.term, 0, EntryType.NORMAL, null)), false);
        broadcastAppend();
    }

    void onStepDown() {
        reads.clear();
        readsBeforeTermCommit.clear();
        uncommitted.clear();
        uncommittedBytes = 0;
    }

    // ---------------------------------------------------------------- time

    void tick() {
        r.heartbeatElapsed++;
        r.electionElapsed++;
        if (r.electionElapsed >= r.config.electionTimeoutTicks()) {
            r.electionElapsed = 0;
            if (r.config.checkQuorum()) {
                if (!r.tracker.quorumActive(r.id)) {
                    r.becomeFollower(r.term, Raft.NONE); // Raft thesis §6.2: no quorum contact, step down
                    return;
                }
                for (Map.Entry<Long, Progress> e : r.tracker.all().entrySet()) {
                    if (e.getKey() != r.id) {
                        e.getValue().setRecentActive(false);
                    }
                }
            }
        }
        if (transferee != Raft.NONE && ++transferElapsed >= r.config.electionTimeoutTicks()) {
            abortTransfer("timed out after an election timeout");
        }
        if (r.heartbeatElapsed >= r.config.heartbeatTicks()) {
            r.heartbeatElapsed = 0;
            broadcastHeartbeat();
        } else {
            sendOwedCommits();
        }
    }

    // ---------------------------------------------------------------- proposals

    ProposeResult propose(List<byte[]> payloads) {
        ProposeResult.Rejected refused = refuseProposal();
        if (refused != null) {
            return refused;
        }
        List<Entry> entries = new ArrayList<>(payloads.size());
        for (byte[] p : payloads) {
            entries.add(new Entry(r.term, 0, EntryType.NORMAL, p));
        }
        return appendAndBroadcast(entries);
    }

    ProposeResult proposeConfChange(ConfChange change) {
        ProposeResult.Rejected refused = refuseProposal();
        if (refused != null) {
            return refused;
        }
        if (!committedInTerm()) {
            return new ProposeResult.Rejected(ProposeResult.Reason.CONF_CHANGE_PENDING, r.id,
                    "the leader has not committed an entry of term " + r.term + " yet");
        }
        if (r.configs.currentIndex() > r.log.committed()) {
            return new ProposeResult.Rejected(ProposeResult.Reason.CONF_CHANGE_PENDING, r.id,
                    "the membership change at index " + r.configs.currentIndex() + " is not committed yet");
        }
        try {
            io.ostraka.raft.confchange.Changer.apply(r.configs.current(), change);
        } catch (ConfChangeException invalid) {
            return new ProposeResult.Rejected(ProposeResult.Reason.INVALID_CONF_CHANGE, r.id, invalid.getMessage());
        }
        return appendAndBroadcast(List.of(new Entry(r.term, 0, EntryType.CONF_CHANGE, change.encode())));
    }

    private ProposeResult.Rejected refuseProposal() {
        if (transferee != Raft.NONE) {
            return new ProposeResult.Rejected(ProposeResult.Reason.TRANSFER_IN_PROGRESS, transferee,
                    "leadership is being transferred to " + transferee);
        }
        if (!r.tracker.conf().isVoter(r.id)) {
            return new ProposeResult.Rejected(ProposeResult.Reason.NOT_LEADER, Raft.NONE,
                    "this leader is being removed from the voters");
        }
        return null;
    }

    private ProposeResult appendAndBroadcast(List<Entry> entries) {
        if (!appendEntries(entries, true)) {
            return new ProposeResult.Rejected(ProposeResult.Reason.UNCOMMITTED_LIMIT, r.id,
                    "the leader holds " + uncommittedBytes + " uncommitted bytes (limit " + r.config.maxUncommittedBytes() + ")");
        }
        broadcastAppend();
        long last = r.log.lastIndex();
        return new ProposeResult.Accepted(last - entries.size() + 1, last, r.term);
    }

    /**
     * Assigns indexes and appends. Returns false when refused by the uncommitted limit. Our own
     * match moves only when the entries are durable ({@link #onStable}): the runtime may send
     * them to followers before writing them here.
     */
    private boolean appendEntries(List<Entry> entries, boolean limited) {
        long bytes = 0;
        for (Entry e : entries) {
            bytes += e.data().length;
        }
        long max = r.config.maxUncommittedBytes();
        if (limited && max > 0 && uncommittedBytes > 0 && uncommittedBytes + bytes > max) {
            return false;
        }
        long index = r.log.lastIndex();
        List<Entry> numbered = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            numbered.add(new Entry(r.term, ++index, e.type(), e.data()));
        }
        r.appendToLog(numbered);
        if (bytes > 0) {
            uncommitted.add(new long[] {index, bytes});
            uncommittedBytes += bytes;
        }
        countSelf();
        maybeCommit();
        return true;
    }

    /** Our entries up to the stable last index are durable: count them, which may commit. */
    void onStable() {
        if (countSelf()) {
            maybeCommit(); // followers learn it lazily: see sendOwedCommits
        }
    }

    /** Moves our own match to what is durable here (never further); true if it moved. */
    private boolean countSelf() {
        Progress self = r.tracker.progress(r.id);
        return self != null && self.maybeUpdate(r.log.stableLastIndex());
    }

    // ---------------------------------------------------------------- replication

    void broadcastAppend() {
        for (long peer : r.tracker.all().keySet()) {
            if (peer != r.id) {
                sendAppend(peer, true);
            }
        }
    }

    private void broadcastHeartbeat() {
        long current = newRound();
        for (Map.Entry<Long, Progress> e : r.tracker.all().entrySet()) {
            if (e.getKey() == r.id) {
                continue;
            }
            long commit = Math.min(e.getValue().match(), r.log.committed());
            r.send(Message.builder(MessageType.HEARTBEAT).to(e.getKey()).commit(commit).context(current));
            e.getValue().commitSent(commit);
        }
    }

    /**
     * Tells each follower a commit index it has not heard yet and could apply, with an empty
     * APPEND. A commit advance is not broadcast when it happens (etcd and raft-rs do): under load
     * the next APPEND carries it anyway, and with a single client each such broadcast cost two
     * messages and two wake-ups per follower per write, on the leader's path to its reply. Here
     * followers learn it with the next APPEND or heartbeat, or at the latest one tick later, from
     * this. Nothing waits on a follower's commit index: a forwarded ReadIndex is confirmed by a
     * heartbeat round, whose heartbeats carry the commit index ahead of the answer.
     */
    private void sendOwedCommits() {
        long committed = r.log.committed();
        for (Map.Entry<Long, Progress> e : r.tracker.all().entrySet()) {
            Progress pr = e.getValue();
            if (e.getKey() != r.id && pr.commitSent() < Math.min(pr.match(), committed)) {
                sendAppend(e.getKey(), true);
            }
        }
    }

    /**
     * One empty APPEND with the commit index to {@code to}, whom the configuration that just
     * committed removed, with {@code pr} its last progress: the tracker dropped it, and commits
     * otherwise reach followers lazily, so without this it would never apply its own removal.
     * Sent whatever its flow state; the entries in flight ahead of it arrive first, and a member
     * that lacks them ignores the commit.
     */
    void sendCommitToLeavingMember(long to, Progress pr) {
        if (to == r.id || pr.commitSent() >= r.log.committed()) {
            return;
        }
        long prevIndex = pr.next() - 1;
        long prevTerm = r.log.term(prevIndex);
        if (prevTerm != RaftLog.UNKNOWN_TERM) {
            sendAppendMessage(to, pr, prevIndex, prevTerm, List.of());
        }
    }

    /** Sends entries (or a snapshot) to {@code to} if its flow state allows. */
    boolean sendAppend(long to, boolean sendIfEmpty) {
        Progress pr = r.tracker.progress(to);
        if (pr == null || pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next() - 1;
        long prevTerm = r.log.term(prevIndex);
        if (prevTerm == RaftLog.UNKNOWN_TERM || r.log.isCompacted(pr.next())) {
            return sendSnapshot(to, pr);
        }
        List<Entry> entries;
        try {
            entries = pr.next() <= r.log.lastIndex()
                    ? r.log.entries(pr.next(), r.log.lastIndex() + 1, r.config.maxMessageBytes())
                    : List.of();
        } catch (LogView.LogCompactedException e) {
            return sendSnapshot(to, pr); // compacted concurrently by the runtime, after the check above
        }
        if (entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        long bytes = 0;
        for (Entry e : entries) {
            bytes += e.sizeBytes();
        }
        sendAppendMessage(to, pr, prevIndex, prevTerm, entries);
        pr.sentEntries(entries.size(), bytes);
        return true;
    }

    private void sendAppendMessage(long to, Progress pr, long prevIndex, long prevTerm, List<Entry> entries) {
        r.send(Message.builder(MessageType.APPEND).to(to).index(prevIndex).logTerm(prevTerm)
                .entries(entries).commit(r.log.committed()));
        pr.commitSent(Math.min(r.log.committed(), prevIndex + entries.size()));
    }

    private boolean sendSnapshot(long to, Progress pr) {
        if (!pr.recentActive()) {
            return false; // do not ship a snapshot to a peer that may be down
        }
        SnapshotMetadata snapshot = r.log.storage().snapshot();
        Invariants.check(!snapshot.isEmpty() && snapshot.index() >= r.log.firstIndex() - 1,
                "log compacted to %d but the latest snapshot is at %d", r.log.firstIndex() - 1, snapshot.index());
        pr.becomeSnapshot(snapshot.index());
        r.send(Message.builder(MessageType.SNAPSHOT).to(to).snapshot(snapshot));
        return true;
    }

    /** Raft §5.3/§5.4.2: commit what a quorum matched, but only by counting entries of this term. */
    private boolean maybeCommit() {
        long quorumMatch = r.tracker.committed();
        if (quorumMatch > r.log.committed() && r.log.term(quorumMatch) == r.term) {
            r.commitTo(quorumMatch);
            return true;
        }
        return false;
    }

    void onCommitAdvanced() {
        long committed = r.log.committed();
        while (!uncommitted.isEmpty() && uncommitted.peekFirst()[0] <= committed) {
            uncommittedBytes -= uncommitted.pollFirst()[1];
        }
        if (committedInTerm() && !readsBeforeTermCommit.isEmpty()) {
            List<PendingRead> waiting = List.copyOf(readsBeforeTermCommit);
            readsBeforeTermCommit.clear();
            for (PendingRead p : waiting) {
                read(p.from(), p.context(), p.allowLease());
            }
        }
        ConfState conf = r.configs.current();
        boolean confCommitted = r.configs.currentIndex() <= committed;
        if (confCommitted && conf.isJoint() && conf.autoLeave()) {
            appendEntries(List.of(new Entry(r.term, 0, EntryType.CONF_CHANGE, ConfChange.leaveJoint().encode())), false);
            broadcastAppend();
        } else if (confCommitted && !conf.isVoter(r.id)) {
            stepDownAfterRemoval();
        }
    }

    /**
     * The configuration without us is committed (thesis §4.2.2): hand leadership to the most
     * caught-up voter so the group does not wait an election timeout, then step down.
     */
    private void stepDownAfterRemoval() {
        long best = Raft.NONE;
        long bestMatch = -1;
        for (long voter : r.tracker.voters().ids()) {
            Progress p = r.tracker.progress(voter);
            if (p != null && p.match() > bestMatch) {
                best = voter;
                bestMatch = p.match();
            }
        }
        if (best != Raft.NONE && bestMatch == r.log.lastIndex()) {
            sendTimeoutNow(best);
        }
        r.becomeFollower(r.term, Raft.NONE);
    }

    boolean committedInTerm() {
        return r.log.term(r.log.committed()) == r.term;
    }

    void onConfigurationChanged() {
        countSelf();
        if (transferee != Raft.NONE && !r.tracker.isVoter(transferee)) {
            abortTransfer("the target left the voters");
        }
        // A different voter set invalidates what the old quorum's acknowledgements proved.
        leaseStartTick = -1;
        quorumAckedRound = 0;
        roundsSent.clear();
        maybeCommit();
    }

    // ---------------------------------------------------------------- messages

    void step(Message m) {
        Progress pr = r.tracker.progress(m.from());
        switch (m.type()) {
            case APPEND, HEARTBEAT, SNAPSHOT -> throw new Invariants.InvariantViolation(
                    "two leaders in term " + r.term + ": node " + r.id + " received " + m);
            case APPEND_RESPONSE -> {
                if (pr != null) {
                    handleAppendResponse(m, pr);
                }
            }
            case HEARTBEAT_RESPONSE -> {
                if (pr != null) {
                    handleHeartbeatResponse(m, pr);
                }
            }
            case READ_INDEX -> read(m.from(), m.context(), false);
            case TRANSFER_LEADER -> transferTo(m.index() != Raft.NONE ? m.index() : m.from());
            default -> { } // votes of this term and stale responses
        }
    }

    private void handleAppendResponse(Message m, Progress pr) {
        pr.setRecentActive(true);
        if (m.reject()) {
            long nextProbe = m.rejectHint();
            if (m.logTerm() > 0) {
                // The follower told us its term at the hint: skip every entry of ours above that term.
                nextProbe = r.log.findConflictByTerm(m.rejectHint(), m.logTerm());
            }
            if (pr.maybeDecreaseTo(m.index(), nextProbe)) {
                if (pr.state() == ProgressState.REPLICATE) {
                    pr.becomeProbe();
                }
                sendAppend(m.from(), true);
            }
            return;
        }
        boolean wasPaused = pr.isPaused();
        if (!pr.maybeUpdate(m.index()) && !(pr.match() == m.index() && pr.state() == ProgressState.PROBE)) {
            return;
        }
        switch (pr.state()) {
            case PROBE -> pr.becomeReplicate();
            case SNAPSHOT -> {
                if (pr.match() + 1 >= r.log.firstIndex()) {
                    pr.becomeProbe();
                    pr.becomeReplicate();
                }
            }
            case REPLICATE -> pr.inflights().freeUpTo(m.index());
        }
        maybeCommit(); // followers learn it lazily: see sendOwedCommits
        if (wasPaused) {
            sendAppend(m.from(), true);
        }
        while (r.role == Role.LEADER && sendAppend(m.from(), false)) {
            // fill the in-flight window
        }
        if (r.role == Role.LEADER && m.from() == transferee && pr.match() == r.log.lastIndex()) {
            sendTimeoutNow(transferee);
        }
    }

    private void handleHeartbeatResponse(Message m, Progress pr) {
        pr.setRecentActive(true);
        pr.clearProbeSent();
        pr.freeFirstInflightIfFull();
        if (pr.match() < r.log.lastIndex() || pr.state() == ProgressState.PROBE) {
            sendAppend(m.from(), true);
        }
        if (m.context() > 0 && m.context() <= round) {
            pr.ackRound(m.context());
            onRoundAcknowledged();
        }
    }

    // ---------------------------------------------------------------- reads and lease

    /** Registers a read for {@code from} (ourselves or a follower that forwarded it). */
    void read(long from, long context, boolean allowLease) {
        if (!committedInTerm()) {
            // Our commit index may lag the previous leader's until we commit in our term (§6.4 step 1).
            readsBeforeTermCommit.add(new PendingRead(from, context, 0, 0, allowLease));
            return;
        }
        if (allowLease && from == r.id && leaseValid()) {
            release(new PendingRead(from, context, r.log.committed(), 0, true));
            return;
        }
        long confirmingRound = outboxRound != 0 ? outboxRound : broadcastHeartbeatRound();
        reads.add(new PendingRead(from, context, r.log.committed(), confirmingRound, allowLease));
        onRoundAcknowledged();
    }

    private long broadcastHeartbeatRound() {
        broadcastHeartbeat();
        return round;
    }

    private long newRound() {
        round++;
        roundsSent.add(new long[] {round, r.now});
        while (roundsSent.size() > MAX_TRACKED_ROUNDS) {
            roundsSent.pollFirst(); // forgetting a round only shortens a future lease
        }
        outboxRound = round;
        Progress self = r.tracker.progress(r.id);
        if (self != null) {
            self.ackRound(round);
        }
        return round;
    }

    private void onRoundAcknowledged() {
        long acked = r.tracker.quorumMin(Progress::ackedRound);
        if (acked > quorumAckedRound) {
            quorumAckedRound = acked;
            while (!roundsSent.isEmpty() && roundsSent.peekFirst()[0] <= acked) {
                long sentTick = roundsSent.pollFirst()[1];
                leaseStartTick = Math.max(leaseStartTick, sentTick);
            }
        }
        while (!reads.isEmpty() && reads.peekFirst().round() <= quorumAckedRound) {
            release(reads.pollFirst());
        }
    }

    private void release(PendingRead read) {
        if (read.from() == r.id) {
            r.readStates.add(new ReadState(read.context(), read.index()));
        } else {
            r.send(Message.builder(MessageType.READ_INDEX_RESPONSE).to(read.from()).index(read.index()).context(read.context()));
        }
    }

    /** Whether a read may be served locally now without a round trip (thesis §6.4.1). */
    boolean leaseValid() {
        return r.config.leaseReads()
                && !leaseForfeited
                && transferee == Raft.NONE
                && committedInTerm()
                && leaseStartTick >= 0
                && r.now < leaseStartTick + r.config.electionTimeoutTicks() - 1 - r.config.leaseDriftMarginTicks();
    }

    /** The ready() handed the outbox out: a new read needs a new round. */
    void onOutboxDrained() {
        outboxRound = 0;
    }

    // ---------------------------------------------------------------- leadership transfer

    void transferTo(long to) {
        if (to == r.id || !r.tracker.isVoter(to)) {
            return; // a learner or a stranger cannot lead; transferring to ourselves is a no-op
        }
        if (transferee != Raft.NONE) {
            if (transferee == to) {
                return;
            }
            abortTransfer("superseded by a transfer to " + to);
        }
        // The transfer must finish within an election timeout (thesis §3.10), counted from now
        // on a clock of its own: restarting the check-quorum clock would let requests arriving
        // faster than an election timeout keep a leader cut off from its quorum in office.
        transferElapsed = 0;
        transferee = to;
        r.events.add(new RaftEvent(RaftEvent.Type.LEADERSHIP_TRANSFER, r.term, r.log.lastIndex(), to, "started"));
        Progress pr = r.tracker.progress(to);
        if (pr.match() == r.log.lastIndex()) {
            sendTimeoutNow(to);
        } else {
            sendAppend(to, true);
        }
    }

    private void sendTimeoutNow(long to) {
        leaseForfeited = true;
        r.send(Message.builder(MessageType.TIMEOUT_NOW).to(to));
    }

    private void abortTransfer(String why) {
        r.events.add(new RaftEvent(RaftEvent.Type.LEADERSHIP_TRANSFER, r.term, r.log.lastIndex(), transferee, "aborted: " + why));
        transferee = Raft.NONE;
    }

    long transferee() {
        return transferee;
    }

    // ---------------------------------------------------------------- runtime reports

    void reportUnreachable(long peer) {
        Progress pr = r.tracker.progress(peer);
        if (pr != null && pr.state() == ProgressState.REPLICATE) {
            pr.becomeProbe();
        }
    }

    /**
     * {@code peer}'s process is not running: as {@link #reportUnreachable}, and a transfer to it
     * is given up now rather than at the end of the election timeout, since it cannot campaign.
     */
    void reportPeerDown(long peer) {
        reportUnreachable(peer);
        if (transferee == peer) { // peer ids are never NONE
            abortTransfer("node " + peer + " is down");
        }
    }

    void reportSnapshot(long peer, boolean ok) {
        Progress pr = r.tracker.progress(peer);
        if (pr == null || pr.state() != ProgressState.SNAPSHOT) {
            return;
        }
        if (!ok) {
            pr.abortSnapshot(); // probe again from what the follower is known to match
        }
        pr.becomeProbe();
        // Wait for the follower's answer (or a heartbeat) before probing again.
        pr.pauseProbe();
    }

    long uncommittedBytes() {
        return uncommittedBytes;
    }
}
