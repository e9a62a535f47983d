package io.ostraka.raft;

import io.ostraka.raft.confchange.ConfChange;
import io.ostraka.raft.confchange.ConfChangeException;
import io.ostraka.raft.tracker.Progress;
import io.ostraka.raft.tracker.ProgressTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.random.RandomGenerator;

/**
 * The Raft algorithm for one node of one group: term and vote, the role, the log and the
 * configuration. Pure: time arrives as {@link #tick()}, randomness from the generator it is
 * given, and everything it wants done leaves through the outbox, the read states and the log's
 * unstable tail, which {@link RaftCore} packs into a {@link Ready}.
 *
 * <p>This class owns every role transition; an illegal one throws {@link IllegalStateException}
 * naming from, to and term:
 *
 * <pre>
 * from \ to      FOLLOWER                       PRE_CANDIDATE         CANDIDATE                 LEADER
 * FOLLOWER       higher term, leader heard      election timeout      timeout without pre-vote, -
 *                                               (pre-vote on)         TIMEOUT_NOW
 * PRE_CANDIDATE  lost, higher term, leader      timeout (new round)   pre-vote won              -
 * CANDIDATE      lost, higher term, leader      -                     timeout (next term)       election won
 * LEADER         higher term, quorum lost,      -                     -                         -
 *                removed and that committed
 * </pre>
 *
 * Leader-only behaviour (replication, commit, reads, lease, transfer) lives in {@link Leader},
 * which exists exactly while the role is LEADER.
 */
final class Raft {
    static final long NONE = 0;
    /** {@code context} of a VOTE sent because of TIMEOUT_NOW: it overrides leader stickiness. */
    static final long CAMPAIGN_TRANSFER = 1;

    final long id;
    final long groupId;
    final RaftConfig config;
    private final RandomGenerator random;

    // Invariant: term never decreases; vote changes only together with term, or from NONE.
    long term;
    long vote;
    long lead;
    Role role = Role.FOLLOWER;
    Leader leader;
    /**
     * The transferee of a transfer in progress when this node stopped leading, until the next
     * leader is known: then the transfer is reported completed or aborted.
     */
    private long handingOverTo = NONE;

    final RaftLog log;
    final ProgressTracker tracker;
    final ConfigHistory configs;

    final List<Message> outbox = new ArrayList<>();
    final List<ReadState> readStates = new ArrayList<>();
    final List<RaftEvent> events = new ArrayList<>();

    /** Ticks since this node last heard from a leader (follower) or since the last quorum check (leader). */
    int electionElapsed;
    int heartbeatElapsed;
    int randomizedElectionTimeout;
    /**
     * Ticks left in which election timeouts are short ([T/10, T/3) instead of [T, 2T)): set when
     * the leader's process is reported gone, ended by the next leader or after 2T.
     */
    int fastElectionTicks;
    /** Logical time: ticks since this core was created. */
    long now;
    /** Whether this core started from a durable term in which a leader may have existed. */
    private final boolean restarted;

    Raft(RaftConfig config, LogView storage, RandomGenerator random) {
        this.id = config.nodeId();
        this.groupId = config.groupId();
        this.config = config;
        this.random = random;
        this.log = new RaftLog(storage, config.appliedIndex(), config.maxApplyBytes());
        this.tracker = new ProgressTracker(config.maxInflightMessages(), config.maxInflightBytes());
        HardState hs = storage.hardState();
        this.term = hs.term();
        this.vote = hs.vote();
        // Bootstrap writes term 1 and the first election is of term 2: no leader, and no lease
        // counting on this node, can exist before.
        this.restarted = hs.term() > 1;
        SnapshotMetadata snapshot = storage.snapshot();
        this.configs = new ConfigHistory(snapshot.index(), snapshot.conf());
        replayConfigurations(storage, snapshot.index());
        configs.committedTo(log.committed());
        tracker.applyConf(configs.current(), log.lastIndex(), configs.committed().allNodes());
        becomeFollower(term, NONE);
    }

    /** On restart, recomputes the configuration from the conf-change entries after the snapshot. */
    private void replayConfigurations(LogView storage, long snapshotIndex) {
        long next = Math.max(snapshotIndex + 1, storage.firstIndex());
        while (next <= storage.lastIndex()) {
            List<Entry> batch = storage.entries(next, storage.lastIndex() + 1, 4L << 20);
            for (Entry e : batch) {
                if (e.type() == EntryType.CONF_CHANGE) {
                    configs.append(e.index(), decodeConfChange(e));
                }
            }
            next = batch.get(batch.size() - 1).index() + 1;
        }
    }

    // ---------------------------------------------------------------- transitions

    void becomeFollower(long newTerm, long newLead) {
        Role from = role;
        if (from == Role.LEADER) {
            handingOverTo = leader.transferee();
            leader.onStepDown();
            leader = null;
            events.add(new RaftEvent(RaftEvent.Type.STEPPED_DOWN, newTerm, log.lastIndex(), newLead, "term " + term));
        }
        reset(newTerm);
        role = Role.FOLLOWER;
        setLeader(newLead);
    }

    private void becomePreCandidate() {
        checkTransition(role != Role.LEADER, Role.PRE_CANDIDATE);
        // Pre-vote keeps term and vote: a node that cannot win must not disturb anyone.
        role = Role.PRE_CANDIDATE;
        tracker.resetVotes();
        lead = NONE;
    }

    private void becomeCandidate() {
        checkTransition(role != Role.LEADER, Role.CANDIDATE);
        reset(term + 1);
        vote = id;
        role = Role.CANDIDATE;
    }

    private void becomeLeader() {
        checkTransition(role == Role.CANDIDATE, Role.LEADER);
        reset(term);
        role = Role.LEADER;
        lead = id;
        fastElectionTicks = 0;
        leader = new Leader(this);
        events.add(new RaftEvent(RaftEvent.Type.LEADER_ELECTED, term, log.lastIndex(), id, "this node"));
        finishHandOver(id);
        leader.start();
    }

    private void checkTransition(boolean allowed, Role to) {
        if (!allowed) {
            throw new IllegalStateException("illegal transition " + role + " -> " + to + " at term " + term + " on node " + id);
        }
    }

    private void reset(long newTerm) {
        Invariants.check(newTerm >= term, "term going backwards from %d to %d on node %d", term, newTerm, id);
        if (newTerm != term) {
            // Messages of the old term still in the outbox are stale, and an append response
            // among them may acknowledge entries that the new term's leader is about to
            // overwrite before this Ready is persisted: it would leave acknowledging entries
            // that are never durable. Dropping unsent messages is always safe.
            outbox.removeIf(m -> m.term() < newTerm);
            term = newTerm;
            vote = NONE;
        }
        lead = NONE;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = fastElectionTicks > 0 ? shortElectionTimeout() : fullElectionTimeout();
        tracker.resetVotes();
    }

    /** A timeout in [T, 2T): the normal one (§5.2). */
    private int fullElectionTimeout() {
        return config.electionTimeoutTicks() + random.nextInt(config.electionTimeoutTicks());
    }

    /** A timeout in [T/10, T/3): long enough for every follower to have learned the leader is gone. */
    private int shortElectionTimeout() {
        int t = config.electionTimeoutTicks();
        int min = Math.max(1, t / 10);
        return min + random.nextInt(Math.max(1, t / 3 - min));
    }

    private void setLeader(long newLead) {
        if (newLead != NONE && fastElectionTicks > 0) {
            fastElectionTicks = 0; // a leader again: back to full timeouts, starting with this one
            randomizedElectionTimeout = fullElectionTimeout();
        }
        if (newLead != lead && newLead != NONE) {
            events.add(new RaftEvent(RaftEvent.Type.LEADER_ELECTED, term, log.lastIndex(), newLead, "observed"));
            finishHandOver(newLead);
        }
        lead = newLead;
    }

    /** A leader is known again: the transfer this node started as leader, if any, is over. */
    private void finishHandOver(long newLead) {
        if (handingOverTo == NONE) {
            return;
        }
        if (newLead == handingOverTo) {
            events.add(new RaftEvent(RaftEvent.Type.LEADERSHIP_TRANSFERRED, term, log.lastIndex(), newLead, "completed"));
        } else {
            events.add(new RaftEvent(RaftEvent.Type.LEADERSHIP_TRANSFER, term, log.lastIndex(), handingOverTo,
                    "aborted: node " + newLead + " was elected"));
        }
        handingOverTo = NONE;
    }

    /** Whether this node may campaign: a voter, with no snapshot waiting to be installed. */
    boolean promotable() {
        return tracker.isVoter(id) && log.unstableSnapshot() == null;
    }

    // ---------------------------------------------------------------- time

    void tick() {
        now++;
        if (role == Role.LEADER) {
            leader.tick();
            return;
        }
        electionElapsed++;
        if (fastElectionTicks > 0) {
            fastElectionTicks--;
        }
        if (promotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            campaign(false);
        }
    }

    /**
     * The transport found {@code peer}'s process gone: its address refuses connections. A
     * follower of that leader stops waiting out the election timeout: it forgets the leader,
     * which ends leader stickiness, and for the next 2T ticks (or until a leader appears) uses
     * election timeouts in [T/10, T/3) instead of [T, 2T). The lower bound leaves time for the
     * other followers, which see the same broken connection, to forget the leader too, so their
     * pre-votes can be granted; a pre-vote that still meets a sticky follower, or a split vote,
     * is retried as quickly. Safety never depends on when an election starts; a wrong report
     * costs a few failed pre-votes (which do not change terms) until the next heartbeat restores
     * the leader. Not with lease reads: a lease relies on every follower that acknowledged a
     * heartbeat refusing votes for a full election timeout.
     */
    void leaderDown(long peer) {
        if (role != Role.FOLLOWER || lead == NONE || peer != lead || config.leaseReads()) {
            return;
        }
        lead = NONE;
        fastElectionTicks = 2 * config.electionTimeoutTicks();
        randomizedElectionTimeout = Math.min(randomizedElectionTimeout, electionElapsed + shortElectionTimeout());
    }

    /** Starts an election now (pre-vote first when enabled, unless it is a transfer). */
    void campaign(boolean transfer) {
        if (role == Role.LEADER || !promotable()) {
            return;
        }
        if (config.preVote() && !transfer) {
            startVote(true, false);
        } else {
            startVote(false, transfer);
        }
    }

    private void startVote(boolean preVote, boolean transfer) {
        long voteTerm;
        MessageType type;
        if (preVote) {
            becomePreCandidate();
            voteTerm = term + 1;
            type = MessageType.PRE_VOTE;
        } else {
            becomeCandidate();
            voteTerm = term;
            type = MessageType.VOTE;
        }
        events.add(new RaftEvent(RaftEvent.Type.VOTE_REQUESTED, voteTerm, log.lastIndex(), NONE, preVote ? "pre-vote" : "vote"));
        tracker.recordVote(id, true);
        if (tallyAndMaybeWin()) {
            return;
        }
        for (long peer : tracker.voters().ids()) {
            if (peer != id) {
                send(Message.builder(type).to(peer).term(voteTerm).index(log.lastIndex()).logTerm(log.lastTerm())
                        .context(transfer ? CAMPAIGN_TRANSFER : 0));
            }
        }
    }

    /** Counts the votes so far; returns true when the election is decided (won or lost). */
    private boolean tallyAndMaybeWin() {
        switch (tracker.tallyVotes()) {
            case WON -> {
                if (role == Role.PRE_CANDIDATE) {
                    startVote(false, false);
                } else {
                    becomeLeader();
                }
                return true;
            }
            case LOST -> {
                becomeFollower(term, NONE);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    // ---------------------------------------------------------------- messages

    void step(Message m) {
        if (m.groupId() != groupId || m.to() != id) {
            throw new IllegalArgumentException("message for group " + m.groupId() + " node " + m.to()
                    + " stepped into group " + groupId + " node " + id + ": " + m);
        }
        if (m.term() > term) {
            if (!acceptHigherTerm(m)) {
                return;
            }
        } else if (m.term() < term) {
            answerLowerTerm(m);
            return;
        }
        switch (m.type()) {
            case PRE_VOTE, VOTE -> handleVoteRequest(m);
            default -> {
                switch (role) {
                    case LEADER -> leader.step(m);
                    case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
                    case FOLLOWER -> stepFollower(m);
                }
            }
        }
    }

    /** A message from a later term. Returns false when it must be ignored entirely. */
    private boolean acceptHigherTerm(Message m) {
        if (m.type() == MessageType.VOTE || m.type() == MessageType.PRE_VOTE) {
            boolean force = m.context() == CAMPAIGN_TRANSFER;
            int timeout = config.electionTimeoutTicks();
            // With lease reads, a core that restarted (it had a term) may have heard from a
            // leader right before it went down, and that leader's lease counts on it: it refuses
            // votes for its first election timeout as if it had heard from one at start.
            // Otherwise a follower that restarts at once would vote a new leader in while the old
            // one still serves lease reads.
            boolean justStarted = config.leaseReads() && restarted && now < timeout;
            boolean inLease = config.checkQuorum() && ((lead != NONE && electionElapsed < timeout) || justStarted);
            if (!force && inLease) {
                // Leader stickiness (thesis §4.2.3): we heard from a live leader within the
                // minimum election timeout, so this candidate cannot be needed.
                return false;
            }
        }
        if (m.type() == MessageType.PRE_VOTE) {
            return true; // never change term for a pre-vote request
        }
        if (m.type() == MessageType.PRE_VOTE_RESPONSE && !m.reject()) {
            return true; // a granted pre-vote carries the future term; we bump it when we win
        }
        boolean fromLeader = m.type() == MessageType.APPEND || m.type() == MessageType.HEARTBEAT
                || m.type() == MessageType.SNAPSHOT;
        becomeFollower(m.term(), fromLeader ? m.from() : NONE);
        return true;
    }

    /** A message from an earlier term: tell a stale leader or pre-candidate the current term. */
    private void answerLowerTerm(Message m) {
        if ((config.checkQuorum() || config.preVote())
                && (m.type() == MessageType.HEARTBEAT || m.type() == MessageType.APPEND)) {
            // Without this a leader cut off by check-quorum or pre-vote would never learn the new term.
            send(Message.builder(MessageType.APPEND_RESPONSE).to(m.from()));
        } else if (m.type() == MessageType.PRE_VOTE) {
            send(Message.builder(MessageType.PRE_VOTE_RESPONSE).to(m.from()).term(term).reject(true));
        }
    }

    private void handleVoteRequest(Message m) {
        boolean preVote = m.type() == MessageType.PRE_VOTE;
        MessageType responseType = preVote ? MessageType.PRE_VOTE_RESPONSE : MessageType.VOTE_RESPONSE;
        boolean canVote = vote == m.from()
                || (vote == NONE && lead == NONE)
                || (preVote && m.term() > term);
        if (canVote && log.isUpToDate(m.index(), m.logTerm())) {
            // The grant leaves in the same Ready as the persisted vote, so only after it is durable.
            send(Message.builder(responseType).to(m.from()).term(m.term()));
            if (!preVote) {
                electionElapsed = 0;
                vote = m.from();
                events.add(new RaftEvent(RaftEvent.Type.VOTE_GRANTED, term, log.lastIndex(), m.from(), "vote"));
            }
        } else {
            send(Message.builder(responseType).to(m.from()).term(term).reject(true));
        }
    }

    private void stepCandidate(Message m) {
        switch (m.type()) {
            case APPEND -> {
                becomeFollower(m.term(), m.from());
                handleAppend(m);
            }
            case HEARTBEAT -> {
                becomeFollower(m.term(), m.from());
                handleHeartbeat(m);
            }
            case SNAPSHOT -> {
                becomeFollower(m.term(), m.from());
                handleSnapshot(m);
            }
            case PRE_VOTE_RESPONSE, VOTE_RESPONSE -> {
                boolean mine = (m.type() == MessageType.PRE_VOTE_RESPONSE) == (role == Role.PRE_CANDIDATE);
                if (mine) {
                    tracker.recordVote(m.from(), !m.reject());
                    tallyAndMaybeWin();
                }
            }
            default -> { } // TIMEOUT_NOW, reads, stale responses: nothing to do without a leader
        }
    }

    private void stepFollower(Message m) {
        switch (m.type()) {
            case APPEND -> {
                heardFromLeader(m);
                handleAppend(m);
            }
            case HEARTBEAT -> {
                heardFromLeader(m);
                handleHeartbeat(m);
            }
            case SNAPSHOT -> {
                heardFromLeader(m);
                handleSnapshot(m);
            }
            case TIMEOUT_NOW -> campaign(true);
            case READ_INDEX_RESPONSE -> readStates.add(new ReadState(m.context(), m.index()));
            case TRANSFER_LEADER -> {
                if (lead != NONE) {
                    send(m.toBuilder().to(lead));
                }
            }
            default -> { } // stale responses and requests meant for a leader
        }
    }

    private void heardFromLeader(Message m) {
        electionElapsed = 0;
        setLeader(m.from());
    }

    private void handleAppend(Message m) {
        if (m.index() < log.committed()) {
            send(Message.builder(MessageType.APPEND_RESPONSE).to(m.from()).index(log.committed()));
            return;
        }
        if (log.matchTerm(m.index(), m.logTerm())) {
            long lastNew = m.index() + m.entries().size();
            long conflict = log.findConflict(m.entries());
            if (conflict != 0) {
                Invariants.check(conflict > log.committed(),
                        "entry %d conflicts with committed index %d on node %d", conflict, log.committed(), id);
                List<Entry> suffix = m.entries().subList((int) (conflict - m.index() - 1), m.entries().size());
                appendToLog(suffix);
            }
            commitTo(Math.min(m.commit(), lastNew));
            send(Message.builder(MessageType.APPEND_RESPONSE).to(m.from()).index(lastNew));
            return;
        }
        // Reject with a hint (etcd's fast backtracking): our last index at or below the probe
        // whose term is at most the probe's term, so the leader can skip a whole term at once.
        long hintIndex = log.findConflictByTerm(Math.min(m.index(), log.lastIndex()), m.logTerm());
        long hintTerm = log.term(hintIndex);
        send(Message.builder(MessageType.APPEND_RESPONSE).to(m.from()).index(m.index()).reject(true)
                .rejectHint(hintIndex).logTerm(Math.max(0, hintTerm)));
    }

    private void handleHeartbeat(Message m) {
        // The leader sends min(our match, its commit), so everything up to it matches its log.
        commitTo(Math.min(m.commit(), log.lastIndex()));
        send(Message.builder(MessageType.HEARTBEAT_RESPONSE).to(m.from()).context(m.context()));
    }

    private void handleSnapshot(Message m) {
        SnapshotMetadata s = m.snapshot();
        if (restore(s)) {
            events.add(new RaftEvent(RaftEvent.Type.SNAPSHOT_RECEIVED, term, s.index(), m.from(), "install"));
            send(Message.builder(MessageType.APPEND_RESPONSE).to(m.from()).index(log.lastIndex()));
        } else {
            send(Message.builder(MessageType.APPEND_RESPONSE).to(m.from()).index(log.committed()));
        }
    }

    /** Adopts a snapshot from the leader unless our log already has what it covers. */
    private boolean restore(SnapshotMetadata s) {
        if (s.index() <= log.committed()) {
            return false; // older than what we know is committed: installing it would lose entries
        }
        // The snapshot's configuration may predate our own addition (a member added after the
        // leader's latest snapshot): we learn of our membership from the entries that follow.
        if (log.matchTerm(s.index(), s.term())) {
            // Our log has the snapshot's last entry: only the commit index moves.
            commitTo(s.index());
            return false;
        }
        log.restore(s);
        ConfState before = configs.current();
        configs.reset(s.index(), s.conf());
        if (!before.equals(s.conf())) {
            configurationChanged(s.index());
        }
        return true;
    }

    // ---------------------------------------------------------------- log and configuration

    /** Appends to the log and brings the configuration in line with it (thesis §4.1: on append). */
    void appendToLog(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        long first = entries.get(0).index();
        ConfState before = configs.current();
        boolean truncates = first <= log.lastIndex();
        log.append(entries);
        if (truncates) {
            configs.truncateFrom(first);
        }
        for (Entry e : entries) {
            if (e.type() == EntryType.CONF_CHANGE) {
                try {
                    configs.append(e.index(), decodeConfChange(e));
                } catch (ConfChangeException invalid) {
                    throw new Invariants.InvariantViolation("conf change at " + e.index()
                            + " does not apply on node " + id + ": " + invalid.getMessage());
                }
            }
        }
        if (!configs.current().equals(before)) {
            configurationChanged(configs.currentIndex());
        }
    }

    private void configurationChanged(long index) {
        ConfState conf = configs.current();
        tracker.applyConf(conf, log.lastIndex(), configs.committed().allNodes());
        events.add(new RaftEvent(RaftEvent.Type.MEMBERSHIP_CHANGED, term, index, NONE, conf.toString()));
        if (leader != null) {
            leader.onConfigurationChanged();
        }
    }

    static ConfChange decodeConfChange(Entry e) {
        return ConfChange.decode(e.data());
    }

    void commitTo(long index) {
        long before = log.committed();
        log.commitTo(index);
        if (log.committed() > before) {
            ConfState committedBefore = configs.committed();
            configs.committedTo(log.committed());
            if (configs.committed() != committedBefore) {
                // Members removed by the change that just committed stop being replicated to,
                // after one last message with the commit so that each learns its removal.
                SortedMap<Long, Progress> dropped =
                        tracker.applyConf(configs.current(), log.lastIndex(), configs.committed().allNodes());
                if (leader != null) {
                    dropped.forEach(leader::sendCommitToLeavingMember);
                }
            }
            if (leader != null) {
                leader.onCommitAdvanced();
            }
        }
    }

    // ---------------------------------------------------------------- requests from the runtime

    /** Starts a linearizable read; returns false when no leader is known to ask. */
    boolean readIndex(long requestContext, boolean allowLease) {
        if (role == Role.LEADER) {
            leader.read(id, requestContext, allowLease);
            return true;
        }
        if (lead == NONE) {
            return false;
        }
        send(Message.builder(MessageType.READ_INDEX).to(lead).context(requestContext));
        return true;
    }

    void transferLeadership(long to) {
        if (role == Role.LEADER) {
            leader.transferTo(to);
        } else if (lead != NONE) {
            send(Message.builder(MessageType.TRANSFER_LEADER).to(lead).index(to));
        }
    }

    // ---------------------------------------------------------------- output

    /** Stamps group, sender and (for all but votes) the current term, and queues the message. */
    void send(Message.Builder b) {
        b.groupId(groupId).from(id);
        Message draft = b.build();
        boolean carriesOwnTerm = switch (draft.type()) {
            case VOTE, PRE_VOTE, VOTE_RESPONSE, PRE_VOTE_RESPONSE -> true;
            default -> false;
        };
        if (!carriesOwnTerm) {
            b.term(term);
            draft = b.build();
        }
        Invariants.check(draft.term() > 0 || draft.type() == MessageType.APPEND_RESPONSE,
                "sending %s without a term", draft);
        outbox.add(draft);
    }

    HardState hardState() {
        return new HardState(term, vote, log.committed());
    }
}
