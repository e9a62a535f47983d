package io.ostraka.raft;

import io.ostraka.raft.confchange.ConfChange;
import io.ostraka.raft.tracker.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The public face of one Raft node in one group, in the shape of etcd-raft's {@code RawNode}:
 * the application owns I/O, threads and time; the core owns the algorithm.
 *
 * <p>Drive it in a loop (see {@code docs/raft.md}): call {@link #tick()} at a fixed interval,
 * {@link #step(Message)} for every message received, the request methods as clients ask; then
 * while {@link #hasReady()}, take {@link #ready()}, do what it says in the order {@link Ready}
 * documents, and call {@link #advance(Ready)}. Not thread-safe: one thread owns a core.
 */
public final class RaftCore {
    private final Raft raft;
    private HardState lastHardState;
    private Role lastRole;
    private long lastLeader;
    /** The Ready handed out and not yet advanced, or null. */
    private Ready pending;

    /**
     * Restores a core from its durable state. The log must already contain the configuration:
     * see {@link #bootstrap(LogStore, java.util.Collection)} for a brand-new group.
     *
     * @param random the only source of randomness (election timeouts); seed it for replay
     */
    public RaftCore(RaftConfig config, LogView log, RandomGenerator random) {
        this.raft = new Raft(config, log, random);
        this.lastHardState = raft.hardState();
        this.lastRole = raft.role;
        this.lastLeader = raft.lead;
    }

    /** Creates a core given the state machine's applied index (the runtime supplies the rest). */
    @FunctionalInterface
    public interface Factory {
        RaftCore create(long appliedIndex);
    }

    /**
     * Writes the first configuration of a new group into an empty log: one conf-change entry at
     * index 1, term 1, naming every initial voter, already committed. Every initial member
     * bootstraps with the same list; nodes that join later start from an empty log instead.
     */
    public static void bootstrap(LogStore log, java.util.Collection<Long> voters) {
        bootstrap(log, voters, null);
    }

    /** {@link #bootstrap(LogStore, java.util.Collection)} with an application context (member addresses). */
    public static void bootstrap(LogStore log, java.util.Collection<Long> voters, byte[] context) {
        if (log.lastIndex() != 0 || !log.hardState().isEmpty()) {
            throw new IllegalStateException("cannot bootstrap a log that already has state: last index "
                    + log.lastIndex() + ", " + log.hardState());
        }
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("a group needs at least one voter");
        }
        List<ConfChange.Single> changes = new ArrayList<>();
        for (long voter : new java.util.TreeSet<>(voters)) {
            changes.add(new ConfChange.Single(ConfChange.Type.ADD_VOTER, voter));
        }
        ConfChange initial = new ConfChange(ConfChange.Transition.AUTO, changes, context);
        log.append(List.of(new Entry(1, 1, EntryType.CONF_CHANGE, initial.encode())));
        log.setHardState(new HardState(1, 0, 1));
    }

    /** Advances logical time by one tick: election timeouts, heartbeats, quorum checks, lease. */
    public void tick() {
        raft.tick();
    }

    /** Feeds a message received from a peer of this group. */
    public void step(Message message) {
        raft.step(message);
    }

    /** Proposes one command; see {@link #propose(List)}. */
    public ProposeResult propose(byte[] command) {
        return propose(List.of(command));
    }

    /**
     * Proposes a batch of commands as consecutive entries. Accepted means appended to the
     * leader's log, not committed: the entries reach {@link Ready#committedEntries()} once they
     * are. Check the committed entry's term against the accepted term to detect that a leader
     * change replaced it.
     */
    public ProposeResult propose(List<byte[]> commands) {
        if (raft.role != Role.LEADER) {
            return notLeader();
        }
        return raft.leader.propose(commands);
    }

    /** Proposes a membership change; it takes effect on every node when appended there. */
    public ProposeResult proposeConfChange(ConfChange change) {
        if (raft.role != Role.LEADER) {
            return notLeader();
        }
        return raft.leader.proposeConfChange(change);
    }

    private ProposeResult notLeader() {
        return new ProposeResult.Rejected(ProposeResult.Reason.NOT_LEADER, raft.lead,
                raft.lead == Raft.NONE ? "no leader is known" : "the leader is node " + raft.lead);
    }

    /**
     * Asks for a linearizable read index (Raft thesis §6.4). A {@link ReadState} with this
     * context appears in a later {@link Ready} once it is safe; on a follower the request is
     * forwarded to the leader. Returns false when no leader is known. If leadership changes the
     * request may never be answered: the caller times out and retries.
     */
    public boolean readIndex(long requestContext) {
        return raft.readIndex(requestContext, false);
    }

    /**
     * Like {@link #readIndex(long)}, but a leader whose lease holds answers at once without a
     * heartbeat round. Only with {@link RaftConfig#leaseReads()}; otherwise the same as readIndex.
     */
    public boolean leaseRead(long requestContext) {
        return raft.readIndex(requestContext, true);
    }

    /** Whether this node is the leader and its lease currently holds. */
    public boolean leaseValid() {
        return raft.role == Role.LEADER && raft.leader.leaseValid();
    }

    /**
     * Starts an election now, as if the election timeout had passed (pre-vote first if enabled).
     * A node that campaigns gives up its leader early, and with it the stickiness a leader's
     * lease relies on: with lease reads on, leave elections to the timeout (and hand leadership
     * over with {@link #transferLeadership}, which voids the lease first).
     */
    public void campaign() {
        raft.campaign(false);
    }

    /** Hands leadership to {@code to} (forwarded to the leader when called on a follower). */
    public void transferLeadership(long to) {
        raft.transferLeadership(to);
    }

    /** The transport could not deliver to {@code peer}: stop streaming to it optimistically. */
    public void reportUnreachable(long peer) {
        if (raft.role == Role.LEADER) {
            raft.leader.reportUnreachable(peer);
        }
    }

    /**
     * The transport found {@code peer}'s process not running (its address refuses connections,
     * as after a crash). A leader stops streaming to it optimistically and gives up a transfer
     * of leadership to it; a follower whose leader it is campaigns soon instead of waiting out the election timeout (not with lease reads).
     */
    public void reportPeerDown(long peer) {
        if (raft.role == Role.LEADER) {
            raft.leader.reportPeerDown(peer);
        } else {
            raft.leaderDown(peer);
        }
    }

    /** The snapshot sent to {@code peer} was delivered ({@code ok}) or failed. */
    public void reportSnapshot(long peer, boolean ok) {
        if (raft.role == Role.LEADER) {
            raft.leader.reportSnapshot(peer, ok);
        }
    }

    public boolean hasReady() {
        if (pending != null) {
            return false;
        }
        return raft.role != lastRole || raft.lead != lastLeader
                || !raft.hardState().equals(lastHardState)
                || !raft.outbox.isEmpty()
                || raft.log.hasUnstableEntries()
                || raft.log.unstableSnapshot() != null
                || raft.log.hasNextCommittedEntries()
                || !raft.readStates.isEmpty()
                || !raft.events.isEmpty();
    }

    /** The work to do now. Only one Ready may be outstanding: call {@link #advance} before the next. */
    public Ready ready() {
        if (pending != null) {
            throw new IllegalStateException("ready() called again before advance() on node " + raft.id);
        }
        HardState hs = raft.hardState();
        boolean roleChanged = raft.role != lastRole || raft.lead != lastLeader;
        List<Entry> entries = raft.log.unstableEntries();
        SnapshotMetadata snapshot = raft.log.unstableSnapshot();
        boolean hardStateChanged = !hs.equals(lastHardState);
        boolean mustSync = !entries.isEmpty() || snapshot != null
                || hs.term() != lastHardState.term() || hs.vote() != lastHardState.vote();
        Ready ready = new Ready(
                roleChanged ? raft.role : null,
                raft.lead,
                hardStateChanged ? hs : null,
                entries,
                snapshot,
                raft.outbox,
                raft.log.nextCommittedEntries(),
                raft.readStates,
                raft.events,
                mustSync,
                raft.role == Role.LEADER && hs.term() == lastHardState.term() && hs.vote() == lastHardState.vote());
        raft.outbox.clear();
        raft.readStates.clear();
        raft.events.clear();
        if (raft.leader != null) {
            raft.leader.onOutboxDrained();
        }
        lastHardState = hs;
        lastRole = raft.role;
        lastLeader = raft.lead;
        pending = ready;
        return ready;
    }

    /** Acknowledges that everything the Ready asked for is done. */
    public void advance(Ready ready) {
        if (ready != pending) {
            throw new IllegalStateException("advance() with a Ready that is not the outstanding one on node " + raft.id);
        }
        pending = null;
        if (!ready.entries().isEmpty()) {
            Entry last = ready.entries().get(ready.entries().size() - 1);
            raft.log.stableTo(last.index(), last.term());
            if (raft.role == Role.LEADER) {
                raft.leader.onStable();
            }
        }
        if (ready.snapshot() != null) {
            raft.log.stableSnapshotTo(ready.snapshot().index());
            raft.log.appliedSnapshot(ready.snapshot().index());
        }
        if (!ready.committedEntries().isEmpty()) {
            raft.log.appliedTo(ready.committedEntries().get(ready.committedEntries().size() - 1).index());
        }
    }

    public long nodeId() { return raft.id; }
    public long groupId() { return raft.groupId; }
    public Role role() { return raft.role; }
    public boolean isLeader() { return raft.role == Role.LEADER; }
    /** The known leader, 0 if none. */
    public long leader() { return raft.lead; }
    public long term() { return raft.term; }
    public long committed() { return raft.log.committed(); }
    public long applied() { return raft.log.applied(); }
    public long lastIndex() { return raft.log.lastIndex(); }
    /** The configuration in force (the latest in the log, committed or not). */
    public ConfState conf() { return raft.configs.current(); }

    public Status status() {
        TreeMap<Long, Status.PeerProgress> peers = new TreeMap<>();
        if (raft.role == Role.LEADER) {
            for (Map.Entry<Long, Progress> e : raft.tracker.all().entrySet()) {
                Progress p = e.getValue();
                peers.put(e.getKey(), new Status.PeerProgress(p.match(), p.next(), p.state(), p.isLearner(), p.recentActive()));
            }
        }
        return new Status(raft.id, raft.groupId, raft.role, raft.term, raft.vote, raft.lead,
                raft.log.firstIndex(), raft.log.lastIndex(), raft.log.committed(), raft.log.applied(),
                raft.configs.current(), java.util.Collections.unmodifiableSortedMap(peers),
                raft.leader == null ? Raft.NONE : raft.leader.transferee(), leaseValid());
    }

    @Override
    public String toString() {
        return "node " + raft.id + " " + raft.role + " term " + raft.term + " " + raft.log;
    }
}
