package io.ostraka.node;

import io.ostraka.log.SnapshotStore;
import io.ostraka.raft.ConfState;
import io.ostraka.raft.Entry;
import io.ostraka.raft.EntryType;
import io.ostraka.raft.LogView;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import io.ostraka.raft.ProposeResult;
import io.ostraka.raft.RaftCore;
import io.ostraka.raft.RaftEvent;
import io.ostraka.raft.ReadState;
import io.ostraka.raft.Ready;
import io.ostraka.raft.Role;
import io.ostraka.raft.SnapshotMetadata;
import io.ostraka.raft.Status;
import io.ostraka.raft.confchange.Changer;
import io.ostraka.raft.confchange.ConfChange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one group's {@link RaftCore} on its {@link EventLoop}, exactly as {@link Ready}
 * prescribes: persist (and wait for durability), send, install, apply, answer, advance.
 * Everything here runs on the loop thread; the public {@link RaftGroup} posts work to it.
 *
 * <p>Callers' futures: a proposal completes when its entry is applied (with the state machine's
 * result), fails with NOT_LEADER when another entry took its index, and with TIMEOUT when it
 * outlives the request timeout (then it may or may not take effect). A read completes once the
 * state machine has applied the index the core declared safe; on a role or leader change
 * pending reads fail with NOT_LEADER so the caller retries where the leader is now.
 */
final class GroupRunner {
    /** How long after {@link StateMachine#prepareSnapshot} the policy's snapshot is taken. */
    static final long SNAPSHOT_PREPARE_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200);
    private static final Logger log = LoggerFactory.getLogger(GroupRunner.class);
    private static final String MEMBERS_FILE = "members";

    final long groupId;
    private final RaftNode node;
    final EventLoop loop;
    private final RaftCore core;
    private final RaftStorage storage;
    private final SnapshotStore snapshots;
    private final StateMachine stateMachine;
    private final long tickNanos;
    private final long timeoutNanos;

    private boolean persisting;
    /** A Ready's acknowledgements were sent and its apply waits for their socket writes (see afterPersist). */
    private boolean applying;
    /**
     * On a hosted loop: acknowledgements (APPEND or HEARTBEAT responses) sent so far, and how many
     * of them are known written — those sent before a task queued behind the socket writes ran.
     */
    private long acksSent;
    private long acksWritten;
    /** A persist may be waiting for {@link #writeStaged()} at the end of the loop iteration. */
    private boolean staged;
    /** Something may have changed since the status was last published. */
    private boolean dirty = true;
    private volatile Throwable failure;
    private boolean snapshotRequested;
    /** When the policy's snapshot was prepared ({@link StateMachine#prepareSnapshot}); -1: not yet. */
    private long snapshotPreparedNanos = -1;
    /**
     * The newest snapshot this group took or installed. Kept here rather than read back from the
     * log: the log records a taken snapshot on its writer thread, some time after it was taken.
     */
    private SnapshotMetadata lastSnapshot;
    /** Bytes of commands applied since the last snapshot, and when it was taken (or the group opened). */
    private long appliedBytesSinceSnapshot;
    private long lastSnapshotNanos;
    /**
     * Read contexts start at a random point per runner: restarting at 1 let a ReadIndex answer
     * meant for this node's previous process (queued while it restarted) answer a new read with
     * an old index, serving it from a state that could miss an acknowledged write.
     */
    private long nextReadContext = new java.security.SecureRandom().nextLong();

    private record Proposal(byte[] command, long deadlineNanos, CompletableFuture<Applied> future, long term) {
        Proposal withTerm(long t) {
            return new Proposal(command, deadlineNanos, future, t);
        }
    }

    private record Read<T>(ReadLevel level, long minIndex, Function<StateMachine, T> query, long deadlineNanos,
                           long askedNanos, CompletableFuture<T> future) {
        void serve(StateMachine sm) {
            try {
                future.complete(query.apply(sm));
            } catch (Throwable e) {
                // The caller's query, not the group, failed (even with an Error such as a stack
                // overflow or an assertion): it answers this read and stops nothing else.
                future.completeExceptionally(e);
            }
        }
    }

    private final List<Proposal> batch = new ArrayList<>();
    private final TreeMap<Long, Proposal> proposals = new TreeMap<>();
    private final TreeMap<Long, Read<?>> reads = new TreeMap<>();
    private final TreeMap<Long, List<Read<?>>> readsAwaitingApply = new TreeMap<>();
    private final TreeMap<Long, ConfChangeWaiter> confChanges = new TreeMap<>();

    /** A configuration change the core accepted at an index in {@code term}: only that entry answers it. */
    private record ConfChangeWaiter(long term, long deadlineNanos, CompletableFuture<Long> future) {
    }

    /** Configurations applied so far (index → configuration from that index on). */
    private final TreeMap<Long, ConfState> appliedConfs = new TreeMap<>();
    /** Addresses of every member ever named in a configuration change. */
    private final TreeMap<Long, MemberInfo> members = new TreeMap<>();
    /** A copy of {@link #members} for other threads, replaced whenever it changes (rarely). */
    private volatile Map<Long, MemberInfo> memberView = Map.of();

    // Published for other threads (status, isLeader, leader) at the end of each iteration.
    private volatile Status published;
    /**
     * The index applied so far, published as each run is applied and before the futures of its
     * proposals complete, so a caller that saw its write complete sees at least its index here.
     * Never decreases.
     */
    private volatile long appliedIndexView;

    GroupRunner(long groupId, RaftNode node, EventLoop loop, RaftCore.Factory factory, RaftStorage storage,
                SnapshotStore snapshots, StateMachine stateMachine, SortedMap<Long, MemberInfo> knownMembers) throws IOException {
        this.groupId = groupId;
        this.node = node;
        this.loop = loop;
        this.storage = storage;
        this.snapshots = snapshots;
        this.stateMachine = stateMachine;
        this.tickNanos = node.options().tick().toNanos();
        this.timeoutNanos = node.options().requestTimeout().toNanos();
        members.putAll(knownMembers);
        memberView = Map.copyOf(members);
        LogView view = storage.view();
        SnapshotMetadata snapshot = view.snapshot();
        snapshots.retainNamed(groupId, snapshot); // what the log names survives any pruning
        if (snapshot.index() > stateMachine.appliedIndex()) {
            restoreStateMachine(snapshot);
        } else if (!snapshot.isEmpty()) {
            readMembersOf(snapshot);
        }
        lastSnapshot = snapshot;
        lastSnapshotNanos = node.clock().nanoTime();
        appliedConfs.put(snapshot.index(), snapshot.conf());
        replayConfigurations(view, snapshot.index() + 1, stateMachine.appliedIndex());
        this.core = factory.create(stateMachine.appliedIndex());
        appliedIndexView = stateMachine.appliedIndex();
        for (MemberInfo m : members.values()) {
            node.learnMember(m);
        }
        publish();
    }

    /**
     * Runs {@code work} on the group's loop; if it throws, the group stops (callers get STOPPED)
     * instead of the error being logged and the group carrying on in an unknown state.
     */
    void execute(Runnable work) {
        loop.execute(guardedTask(work));
    }

    /**
     * Like {@link #execute(Runnable)} for a caller waiting on {@code caller}, which fails with
     * STOPPED instead of never completing when the node is closed: the loop refuses the task once
     * stopped (at once, for a call made after close), and a task that runs after close began is
     * refused then — the groups have already failed their callers, and a task queued behind that
     * would register one nobody completes.
     */
    void execute(Runnable work, CompletableFuture<?> caller) {
        Runnable guarded = guardedTask(work);
        loop.execute(new EventLoop.Refusable() {
            @Override
            public void run() {
                if (node.isClosed()) {
                    refuse();
                } else {
                    guarded.run();
                }
            }

            @Override
            public void refuse() {
                caller.completeExceptionally(stopped());
            }
        });
    }

    private OstrakaException stopped() {
        return new OstrakaException(ErrorCode.STOPPED, "node " + node.options().nodeId() + " is closed");
    }

    /** Like {@link #execute}, after the socket writes of the messages sent so far. */
    private void executeAfterSends(Runnable work) {
        loop.executeAfterSends(guardedTask(work));
    }

    private Runnable guardedTask(Runnable work) {
        return () -> {
            dirty = true;
            try {
                work.run();
            } catch (RuntimeException | Error e) {
                fail(e);
            }
        };
    }

    // ---------------------------------------------------------------- requests (on the loop)

    void propose(byte[] command, CompletableFuture<Applied> future) {
        if (refuseIfFailed(future)) {
            return;
        }
        batch.add(new Proposal(command, node.clock().nanoTime() + timeoutNanos, future, 0));
    }

    <T> void read(ReadLevel level, long minIndex, Function<StateMachine, T> query, CompletableFuture<T> future) {
        if (refuseIfFailed(future)) {
            return;
        }
        if (level == ReadLevel.LEASE) {
            loop.catchUpTicks(); // the core must know of any pause before it judges its lease
            if (refuseIfFailed(future)) {
                return;
            }
        }
        long now = node.clock().nanoTime();
        Read<T> read = new Read<>(level, minIndex, query, now + timeoutNanos, now, future);
        if (level == ReadLevel.STALE) {
            awaitApplied(Math.max(minIndex, 0), read);
            return;
        }
        long context = ++nextReadContext;
        if (context == 0) {
            context = ++nextReadContext; // 0 is no context
        }
        boolean asked = level == ReadLevel.LEASE ? core.leaseRead(context) : core.readIndex(context);
        if (!asked) {
            future.completeExceptionally(notLeader());
            return;
        }
        reads.put(context, read);
    }

    void proposeConfChange(ConfChange change, CompletableFuture<Long> future) {
        if (refuseIfFailed(future)) {
            return;
        }
        ProposeResult r = core.proposeConfChange(change);
        if (r instanceof ProposeResult.Accepted a) {
            ConfChangeWaiter replaced = confChanges.put(a.lastIndex(),
                    new ConfChangeWaiter(a.term(), node.clock().nanoTime() + timeoutNanos, future));
            if (replaced != null) {
                // Leadership lost and won back: the older entry at this index was truncated here,
                // which does not mean it can never commit (see proposeBatch).
                replaced.future().completeExceptionally(displaced(a.lastIndex()));
            }
        } else {
            future.completeExceptionally(rejection((ProposeResult.Rejected) r));
        }
    }

    /**
     * Starts a transfer to {@code to}; {@code done} fails here if the core gives it up (its
     * success is seen by whoever polls for the new leader, as on a follower that only forwards).
     */
    void transferLeadership(long to, CompletableFuture<Void> done) {
        if (refuseIfFailed(done)) {
            return;
        }
        // The leader's core ignores a transfer to a non-voter; without this the caller waited out
        // its timeout. Only the leader's configuration is authoritative: a follower's may lag
        // behind a promotion, so it forwards and lets the leader decide.
        if (core.role() == Role.LEADER) {
            ConfState conf = core.status().conf();
            if (!conf.isVoter(to)) {
                done.completeExceptionally(new OstrakaException(ErrorCode.INVALID_REQUEST, "node " + to
                        + " is not a voter of group " + groupId + " (voters " + conf.voters() + "), so it cannot lead"));
                return;
            }
        }
        transferWaiters.removeIf(w -> w.getValue().isDone());
        transferWaiters.add(Map.entry(to, done));
        core.transferLeadership(to);
    }

    /** The core gave up its transfer to {@code event.peer()}: whoever asked for it learns why now. */
    private void transferGivenUp(RaftEvent event) {
        if (transferWaiters.isEmpty()) {
            return;
        }
        String why = "leadership transfer to node " + event.peer() + " was given up: "
                + event.detail().substring(event.detail().indexOf(':') + 1).trim();
        OstrakaException error = core.role() == Role.LEADER
                ? new OstrakaException(ErrorCode.TIMEOUT, why)
                : new OstrakaException(ErrorCode.NOT_LEADER, why, core.leader(), null);
        transferWaiters.removeIf(w -> {
            if (w.getKey() == event.peer()) {
                w.getValue().completeExceptionally(error);
            }
            return w.getValue().isDone();
        });
    }

    private final List<CompletableFuture<SnapshotMetadata>> snapshotWaiters = new ArrayList<>();
    /** Callers of {@link RaftGroup#transferLeadership}, with their targets; loop thread only. */
    private final List<Map.Entry<Long, CompletableFuture<Void>>> transferWaiters = new ArrayList<>();

    void requestSnapshot(CompletableFuture<SnapshotMetadata> taken) {
        if (refuseIfFailed(taken)) {
            return;
        }
        snapshotRequested = true;
        snapshotWaiters.add(taken);
        maybeSnapshot();
    }

    void step(Message m) {
        if (failure == null) {
            core.step(m);
        }
    }

    void reportUnreachable(long peer) {
        core.reportUnreachable(peer);
    }

    void reportPeerDown(long peer) {
        core.reportPeerDown(peer);
    }

    void reportSnapshot(long peer, boolean delivered) {
        core.reportSnapshot(peer, delivered);
    }

    void tick(long ticks) {
        if (failure != null) {
            return;
        }
        dirty = true;
        for (long i = 0; i < ticks; i++) {
            core.tick();
        }
        expire(node.clock().nanoTime());
        if (!node.options().snapshotInterval().isZero() || snapshotPreparedNanos >= 0) {
            maybeSnapshot(); // the interval policy, or a prepared snapshot: due with time alone
        }
    }

    /** End of a loop iteration: propose the batch, then turn everything into Readies. */
    void flush() {
        if (failure != null) {
            return;
        }
        if (!batch.isEmpty()) {
            proposeBatch();
        }
        drive();
        if (dirty) {
            publish();
            dirty = false;
        }
    }

    // ---------------------------------------------------------------- proposals

    private void proposeBatch() {
        List<byte[]> commands = new ArrayList<>(batch.size());
        for (Proposal p : batch) {
            commands.add(p.command());
        }
        ProposeResult r = core.propose(commands);
        if (r instanceof ProposeResult.Accepted a) {
            long index = a.firstIndex();
            for (Proposal p : batch) {
                Proposal replaced = proposals.put(index++, p.withTerm(a.term()));
                if (replaced != null) {
                    // We lost leadership and won it back, and our older entry at this index was
                    // truncated here. That says nothing about the other nodes: a copy can survive
                    // on a minority and be committed by a later leader, so NOT_LEADER ("did not
                    // happen") would be a lie that a retry turns into a second apply.
                    replaced.future().completeExceptionally(displaced(index - 1));
                }
            }
        } else {
            OstrakaException error = rejection((ProposeResult.Rejected) r);
            for (Proposal p : batch) {
                p.future().completeExceptionally(error);
            }
        }
        batch.clear();
    }

    private static OstrakaException displaced(long index) {
        return new OstrakaException(ErrorCode.TIMEOUT, "outcome unknown: the entry at index " + index
                + " was replaced in this node's log after a leadership change, and may still commit through another node");
    }

    private OstrakaException rejection(ProposeResult.Rejected r) {
        return switch (r.reason()) {
            case NOT_LEADER -> OstrakaException.notLeader(r.leaderHint(), null);
            case TRANSFER_IN_PROGRESS -> new OstrakaException(ErrorCode.NOT_LEADER, r.detail(), r.leaderHint(), null);
            case UNCOMMITTED_LIMIT -> new OstrakaException(ErrorCode.TIMEOUT, "overloaded: " + r.detail());
            // Transient, like the limit above: the change was not made, and a retry once the
            // pending one commits can succeed.
            case CONF_CHANGE_PENDING -> new OstrakaException(ErrorCode.TIMEOUT, "busy: " + r.detail() + "; retry once it commits");
            case INVALID_CONF_CHANGE -> new OstrakaException(ErrorCode.INVALID_REQUEST, r.detail());
        };
    }

    private OstrakaException notLeader() {
        return OstrakaException.notLeader(core.leader(), null);
    }

    // ---------------------------------------------------------------- the Ready loop

    private void drive() {
        while (failure == null && !persisting && !applying && core.hasReady()) {
            publishIfLeadershipMoved();
            Ready rd = core.ready();
            learnMembersFrom(rd.entries());
            // A hard state whose term and vote are unchanged (mustSync false) only moves the commit
            // index: nothing depends on it being durable (a restarted node learns the commit from
            // the leader, and never commits less than its state machine applied), so it is not
            // written at all — which keeps an fsync per commit advance off the group-commit writer.
            boolean writes = rd.snapshot() != null || !rd.entries().isEmpty() || (rd.hardState() != null && rd.mustSync());
            if (!writes) {
                afterPersist(rd, false);
                continue;
            }
            // A leader's appends go out now, while its own write is in flight (thesis §10.2.1).
            sendMessages(rd.earlyMessages());
            CompletableFuture<Void> durable;
            try {
                durable = storage.persist(rd);
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            staged = true;
            if (!rd.mustSync() && durable.isDone() && !durable.isCompletedExceptionally()) {
                afterPersist(rd, true);
                continue;
            }
            if (!rd.mustSync()) {
                // A commit-only hard state need not be durable before anything else happens.
                durable.whenComplete((v, e) -> {
                    if (e != null) {
                        execute(() -> fail(e));
                    }
                });
                afterPersist(rd, true);
                continue;
            }
            persisting = true;
            durable.whenComplete((v, e) -> execute(() -> {
                persisting = false;
                if (e != null) {
                    fail(e);
                } else if (failure == null) { // a group that failed meanwhile applies and sends nothing more
                    afterPersist(rd, true);
                    drive();
                }
            }));
            return;
        }
    }

    /**
     * End of a loop iteration, after every group's {@link #flush}: writes out what this group's
     * persists staged (with the other groups' on the same storage engine: one fsync for all).
     * Completes the persist futures here, which queue their continuations on this loop.
     */
    void writeStaged() {
        if (!staged) {
            return;
        }
        staged = false;
        storage.writeStaged();
    }

    /** Whether a persist waits for {@link #writeStaged()}. */
    boolean hasStaged() {
        return staged;
    }

    /** Everything after the Ready is durable; {@code earlySent}: its early messages already left. */
    private void afterPersist(Ready rd, boolean earlySent) {
        if (rd.role() != null) {
            onRoleChange(rd);
        }
        for (RaftEvent event : rd.events()) {
            node.publish(groupId, event); // first: a SnapshotReceived precedes the install it causes
            if (event.type() == RaftEvent.Type.LEADERSHIP_TRANSFER && event.detail().startsWith("aborted")) {
                transferGivenUp(event);
            }
        }
        List<Message> messages = earlySent ? rd.lateMessages() : rd.messages();
        sendMessages(messages);
        if (rd.snapshot() != null) {
            snapshots.retainNamed(groupId, rd.snapshot()); // durable now: the log names it
            installSnapshot(rd.snapshot());
        }
        if (!rd.committedEntries().isEmpty() && loop.sendsAfterIteration() && acksSent > acksWritten) {
            // A follower's acknowledgement is what the leader (and its client) waits for; on a
            // hosted loop it reaches the socket only after this task, so applying the previous
            // entries first would hold it back by the apply's duration. Apply in a task of its
            // own, queued behind the socket writes; the Ready stays open until then. Any
            // acknowledgement not known written counts, not only this Ready's: a commit index
            // also arrives with a heartbeat, whose Ready acknowledges no new entries.
            applying = true;
            long sentBefore = acksSent;
            executeAfterSends(() -> {
                applying = false;
                acksWritten = Math.max(acksWritten, sentBefore);
                if (failure == null) {
                    finishReady(rd);
                    drive();
                }
            });
            return;
        }
        finishReady(rd);
    }

    /** The rest of a Ready once its messages are out: apply, reads, advance, snapshot policy. */
    private void finishReady(Ready rd) {
        applyCommitted(rd.committedEntries());
        for (ReadState rs : rd.readStates()) {
            Read<?> read = reads.remove(rs.requestContext());
            if (read != null) {
                awaitApplied(Math.max(rs.index(), read.minIndex()), read);
            }
        }
        core.advance(rd);
        serveReads();
        maybeSnapshot();
    }

    private void sendMessages(List<Message> messages) {
        List<Message> regular = new ArrayList<>(messages.size());
        for (Message m : messages) {
            if (m.type() == MessageType.APPEND_RESPONSE || m.type() == MessageType.HEARTBEAT_RESPONSE) {
                acksSent++;
            }
            if (m.type() == MessageType.SNAPSHOT) {
                node.transport().sendSnapshot(m);
            } else {
                regular.add(m);
            }
        }
        if (!regular.isEmpty()) {
            node.transport().send(regular);
        }
    }

    private void onRoleChange(Ready rd) {
        OstrakaException moved = OstrakaException.notLeader(rd.leader(), null);
        for (Read<?> read : reads.values()) {
            read.future().completeExceptionally(moved);
        }
        reads.clear();
        log.debug("group {} node {}: {} in term {}, leader {}", groupId, node.options().nodeId(), rd.role(),
                core.term(), rd.leader());
    }

    /**
     * Applies committed entries in order, timing the batch and each of our proposals'
     * propose→commit. Each run of consecutive commands goes to the state machine in one
     * {@link StateMachine#applyAll} call (one store write for the run); configuration changes and
     * the leader's empty entries are handled here between runs.
     */
    private void applyCommitted(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        RaftMetrics metrics = node.metrics();
        long committedNanos = node.clock().nanoTime();
        for (Entry e : entries) {
            Proposal p = proposals.get(e.index());
            if (p != null && p.term() == e.term()) {
                // A proposal's deadline is the time the loop took it plus the request timeout.
                metrics.committed(groupId, committedNanos - (p.deadlineNanos() - timeoutNanos));
            }
        }
        int i = 0;
        while (i < entries.size()) {
            int end = i;
            while (end < entries.size() && isCommand(entries.get(end))) {
                end++;
            }
            if (end == i) {
                applyOther(entries.get(i));
                i++;
                continue;
            }
            List<Entry> run = entries.subList(i, end);
            List<byte[]> commands = new ArrayList<>(run.size());
            for (Entry e : run) {
                commands.add(e.data());
                appliedBytesSinceSnapshot += e.data().length;
            }
            List<byte[]> results = stateMachine.applyAll(run.get(0).index(), commands);
            appliedIndexView = run.get(run.size() - 1).index();
            for (int k = 0; k < run.size(); k++) {
                Entry e = run.get(k);
                node.notifyApplied(groupId, e.index(), e.data());
                finishProposal(e, results.get(k));
            }
            i = end;
        }
        metrics.applied(groupId, entries.size(), node.clock().nanoTime() - committedNanos);
    }

    private static boolean isCommand(Entry e) {
        return e.type() != EntryType.CONF_CHANGE && e.data().length > 0;
    }

    /** A configuration change or an empty entry (a new leader's first). */
    private void applyOther(Entry e) {
        if (e.type() == EntryType.CONF_CHANGE) {
            ConfChange change = ConfChange.decode(e.data());
            appliedConfs.put(e.index(), Changer.apply(appliedConfs.lastEntry().getValue(), change));
            learnMembers(MemberInfo.decodeAll(change.context()));
        }
        appliedIndexView = e.index();
        finishProposal(e, null);
    }

    /** Answers whoever waits on the entry at {@code e.index()}: its result, or NOT_LEADER if another entry took the index. */
    private void finishProposal(Entry e, byte[] result) {
        Proposal p = proposals.remove(e.index());
        if (p != null) {
            if (p.term() == e.term() && result != null) {
                p.future().complete(new Applied(e.index(), result));
            } else {
                p.future().completeExceptionally(OstrakaException.notLeader(core.leader(), null));
            }
        }
        ConfChangeWaiter change = confChanges.remove(e.index());
        if (change != null) {
            if (e.type() == EntryType.CONF_CHANGE && change.term() == e.term()) {
                change.future().complete(e.index());
            } else {
                // Another entry (another leader's, configuration change or not) took the index.
                change.future().completeExceptionally(OstrakaException.notLeader(core.leader(), null));
            }
        }
    }

    private void awaitApplied(long index, Read<?> read) {
        readsAwaitingApply.computeIfAbsent(index, k -> new ArrayList<>()).add(read);
        serveReads();
    }

    private void serveReads() {
        long applied = stateMachine.appliedIndex() > core.applied() ? stateMachine.appliedIndex() : core.applied();
        while (!readsAwaitingApply.isEmpty() && readsAwaitingApply.firstKey() <= applied) {
            for (Read<?> read : readsAwaitingApply.pollFirstEntry().getValue()) {
                serveOne(read);
            }
        }
    }

    private void serveOne(Read<?> read) {
        if (read.level() == ReadLevel.LEASE
                && (node.clock().nanoTime() - read.askedNanos() > tickNanos || !core.leaseValid())) {
            // More than a tick passed between the lease check and now (a long pause?), so the
            // drift margin no longer covers it, or the lease ended meanwhile: confirm leadership
            // the slow way instead.
            retryLinearizable(read);
            return;
        }
        read.serve(stateMachine);
        if (read.level() != ReadLevel.STALE) {
            node.metrics().readServed(groupId, read.level(), node.clock().nanoTime() - read.askedNanos());
        }
    }

    private <T> void retryLinearizable(Read<T> read) {
        read(ReadLevel.LINEARIZABLE, read.minIndex(), read.query(), read.future());
    }

    private void expire(long now) {
        OstrakaException timeout = new OstrakaException(ErrorCode.TIMEOUT,
                "no answer within " + node.options().requestTimeout().toMillis() + " ms");
        for (Iterator<Proposal> it = proposals.values().iterator(); it.hasNext(); ) {
            Proposal p = it.next();
            if (p.deadlineNanos() - now < 0) {
                p.future().completeExceptionally(timeout);
                it.remove();
            }
        }
        for (Iterator<ConfChangeWaiter> it = confChanges.values().iterator(); it.hasNext(); ) {
            ConfChangeWaiter w = it.next();
            if (w.deadlineNanos() - now < 0) {
                w.future().completeExceptionally(timeout);
                it.remove();
            }
        }
        for (Iterator<Read<?>> it = reads.values().iterator(); it.hasNext(); ) {
            Read<?> r = it.next();
            if (r.deadlineNanos() - now < 0) {
                r.future().completeExceptionally(timeout);
                it.remove();
            }
        }
        for (List<Read<?>> waiting : readsAwaitingApply.values()) {
            waiting.removeIf(r -> {
                if (r.deadlineNanos() - now < 0) {
                    r.future().completeExceptionally(timeout);
                    return true;
                }
                return false;
            });
        }
        readsAwaitingApply.values().removeIf(List::isEmpty);
    }

    // ---------------------------------------------------------------- snapshots

    private void maybeSnapshot() {
        long index = stateMachine.appliedIndex();
        NodeOptions o = node.options();
        boolean due = index - lastSnapshot.index() >= o.snapshotEveryEntries()
                || (o.snapshotEveryBytes() > 0 && appliedBytesSinceSnapshot >= o.snapshotEveryBytes())
                || (!o.snapshotInterval().isZero() && node.clock().nanoTime() - lastSnapshotNanos >= o.snapshotInterval().toNanos());
        if (snapshotRequested && index <= lastSnapshot.index() && !snapshotWaiters.isEmpty()) {
            // Nothing applied since the last snapshot: that one is the answer.
            snapshotWaiters.forEach(w -> w.complete(lastSnapshot));
            snapshotWaiters.clear();
            snapshotRequested = false;
            return;
        }
        if (!(due || snapshotRequested) || index <= lastSnapshot.index() || index < storage.view().firstIndex() - 1) {
            return;
        }
        if (!snapshotRequested && !prepared()) {
            return;
        }
        snapshotRequested = false;
        snapshotPreparedNanos = -1;
        SnapshotMetadata meta = new SnapshotMetadata(index, storage.view().term(index), confAt(index));
        event(NodeEvent.Type.SNAPSHOT_STARTED, index, 0, "take");
        long startedNanos = node.clock().nanoTime();
        try {
            SnapshotStore.Writer writer = snapshots.begin(groupId, meta);
            stateMachine.snapshotTo(writer.directory());
            Files.write(writer.directory().resolve(MEMBERS_FILE), MemberInfo.encodeAll(members.values()));
            writer.commit();
        } catch (IOException e) {
            log.error("group {}: taking snapshot {} failed; the policy will retry", groupId, index, e);
            event(NodeEvent.Type.SNAPSHOT_FAILED, index, 0, "take: " + e);
            // Whoever asked learns it now: nothing retries an asked-for snapshot by itself.
            UncheckedIOException failed = new UncheckedIOException("group " + groupId + ": taking snapshot " + index
                    + " failed: " + e.getMessage(), e);
            snapshotWaiters.forEach(w -> w.completeExceptionally(failed));
            snapshotWaiters.clear();
            return;
        }
        lastSnapshot = meta;
        appliedBytesSinceSnapshot = 0;
        lastSnapshotNanos = node.clock().nanoTime();
        node.metrics().snapshotTaken(groupId, meta, node.clock().nanoTime() - startedNanos);
        appliedConfs.headMap(appliedConfs.floorKey(index)).clear();
        storage.snapshotTaken(meta, node.options().trailingEntries()).whenComplete((v, e) -> {
            if (e != null) {
                execute(() -> fail(e));
            } else {
                snapshots.retainNamed(groupId, meta); // the log names it now; the older one may go
            }
        });
        event(NodeEvent.Type.SNAPSHOT_FINISHED, index, 0, "take");
        for (CompletableFuture<SnapshotMetadata> waiter : snapshotWaiters) {
            waiter.complete(meta);
        }
        snapshotWaiters.clear();
    }

    /**
     * Whether the policy's snapshot may be taken now: {@link StateMachine#prepareSnapshot} ran at
     * least {@link #SNAPSHOT_PREPARE_NANOS} ago. The first call starts the preparation. A RocksDB
     * checkpoint flushes the memtables first, 90–150 ms on the loop with a full memtable on the
     * benchmark machine; flushed in the background beforehand, little is left.
     */
    private boolean prepared() {
        long now = node.clock().nanoTime();
        if (snapshotPreparedNanos < 0) {
            snapshotPreparedNanos = now;
            try {
                stateMachine.prepareSnapshot();
            } catch (RuntimeException e) {
                log.warn("group {}: preparing a snapshot failed; taking it without", groupId, e);
            }
            return false;
        }
        return now - snapshotPreparedNanos >= SNAPSHOT_PREPARE_NANOS;
    }

    private void event(NodeEvent.Type type, long index, long peer, String detail) {
        node.publish(type, groupId, core.term(), index, peer, detail, 0, 0);
    }

    /** The transport's report on a snapshot stream to a follower, turned into an event. */
    void publishTransfer(SnapshotTransfer t) {
        node.publish(t.eventType(), groupId, core.term(), t.index(), t.peerId(), t.detail(), t.sentBytes(), t.totalBytes());
    }

    private ConfState confAt(long index) {
        return appliedConfs.floorEntry(index).getValue();
    }

    private void installSnapshot(SnapshotMetadata snapshot) {
        long from = core.leader();
        event(NodeEvent.Type.SNAPSHOT_STARTED, snapshot.index(), from, "install");
        try {
            restoreStateMachine(snapshot);
        } catch (RuntimeException e) {
            event(NodeEvent.Type.SNAPSHOT_FAILED, snapshot.index(), from, "install: " + e);
            throw e; // the group stops: its state machine is in an unknown state
        }
        event(NodeEvent.Type.SNAPSHOT_FINISHED, snapshot.index(), from, "install");
        appliedIndexView = snapshot.index();
        lastSnapshot = snapshot;
        appliedConfs.clear();
        appliedConfs.put(snapshot.index(), snapshot.conf());
        // Proposals at or below the snapshot can no longer be matched to their entries.
        OstrakaException unknown = new OstrakaException(ErrorCode.TIMEOUT,
                "the outcome was overtaken by a snapshot; retry with the same session to learn it");
        for (Proposal p : proposals.headMap(snapshot.index(), true).values()) {
            p.future().completeExceptionally(unknown);
        }
        proposals.headMap(snapshot.index(), true).clear();
        for (ConfChangeWaiter w : confChanges.headMap(snapshot.index(), true).values()) {
            w.future().completeExceptionally(unknown);
        }
        confChanges.headMap(snapshot.index(), true).clear();
        node.metrics().snapshotInstalled(groupId, snapshot);
        serveReads();
    }

    private void restoreStateMachine(SnapshotMetadata snapshot) {
        try {
            SnapshotStore.StoredSnapshot stored = null;
            for (SnapshotStore.StoredSnapshot s : snapshots.list(groupId)) {
                if (s.metadata().index() == snapshot.index() && s.metadata().term() == snapshot.term()) {
                    stored = s;
                }
            }
            if (stored == null) {
                throw new IllegalStateException("group " + groupId + ": snapshot " + snapshot.term() + "-" + snapshot.index()
                        + " is in the log but not in the snapshot store");
            }
            stateMachine.restoreFrom(snapshot.index(), stored.directory());
            readMembersOf(stored.directory());
            log.info("group {} node {}: restored state machine from snapshot {}", groupId, node.options().nodeId(), snapshot.index());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readMembersOf(SnapshotMetadata snapshot) throws IOException {
        for (SnapshotStore.StoredSnapshot s : snapshots.list(groupId)) {
            if (s.metadata().index() == snapshot.index()) {
                readMembersOf(s.directory());
            }
        }
    }

    private void readMembersOf(Path directory) throws IOException {
        Path file = directory.resolve(MEMBERS_FILE);
        if (Files.exists(file)) {
            learnMembers(MemberInfo.decodeAll(Files.readAllBytes(file)));
        }
    }

    // ---------------------------------------------------------------- members

    private void replayConfigurations(LogView view, long from, long to) {
        long next = Math.max(from, view.firstIndex());
        while (next <= to && next <= view.lastIndex()) {
            List<Entry> chunk = view.entries(next, Math.min(to, view.lastIndex()) + 1, 4L << 20);
            for (Entry e : chunk) {
                if (e.type() == EntryType.CONF_CHANGE) {
                    ConfChange change = ConfChange.decode(e.data());
                    appliedConfs.put(e.index(), Changer.apply(appliedConfs.lastEntry().getValue(), change));
                    learnMembers(MemberInfo.decodeAll(change.context()));
                }
            }
            next = chunk.get(chunk.size() - 1).index() + 1;
        }
        // Conf changes after the applied index (already in force in the core): learn addresses too.
        for (long i = Math.max(to + 1, view.firstIndex()); i <= view.lastIndex(); ) {
            List<Entry> chunk = view.entries(i, view.lastIndex() + 1, 4L << 20);
            learnMembersFrom(chunk);
            i = chunk.get(chunk.size() - 1).index() + 1;
        }
    }

    private void learnMembersFrom(List<Entry> entries) {
        for (Entry e : entries) {
            if (e.type() == EntryType.CONF_CHANGE) {
                learnMembers(MemberInfo.decodeAll(ConfChange.decode(e.data()).context()));
            }
        }
    }

    private void learnMembers(Map<Long, MemberInfo> learned) {
        boolean changed = false;
        for (MemberInfo m : learned.values()) {
            MemberInfo previous = members.put(m.id(), m);
            if (!m.equals(previous)) {
                changed = true;
                if (core != null) {
                    node.learnMember(m);
                }
            }
        }
        if (changed) {
            memberView = Map.copyOf(members);
        }
    }

    /** Any thread: a member's addresses as last learned, or null. */
    MemberInfo member(long id) {
        return memberView.get(id);
    }

    /** Any thread: every member's addresses as last learned. */
    SortedMap<Long, MemberInfo> members() {
        return new TreeMap<>(memberView);
    }

    // ---------------------------------------------------------------- failure and status

    private boolean refuseIfFailed(CompletableFuture<?> future) {
        if (failure == null) {
            return false;
        }
        future.completeExceptionally(new OstrakaException(ErrorCode.STOPPED, "group " + groupId + " stopped: " + failure));
        return true;
    }

    /** Storage failed or an invariant broke: stop this group, fail everything pending. */
    void fail(Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = cause;
        log.error("group {} node {} stopped", groupId, node.options().nodeId(), cause);
        failAll(new OstrakaException(ErrorCode.STOPPED, "group " + groupId + " stopped: " + cause));
    }

    void failAll(OstrakaException error) {
        for (Proposal p : batch) {
            p.future().completeExceptionally(error);
        }
        batch.clear();
        for (Proposal p : proposals.values()) {
            p.future().completeExceptionally(error);
        }
        proposals.clear();
        for (Read<?> r : reads.values()) {
            r.future().completeExceptionally(error);
        }
        reads.clear();
        for (List<Read<?>> waiting : readsAwaitingApply.values()) {
            for (Read<?> r : waiting) {
                r.future().completeExceptionally(error);
            }
        }
        readsAwaitingApply.clear();
        for (ConfChangeWaiter w : confChanges.values()) {
            w.future().completeExceptionally(error);
        }
        confChanges.clear();
        for (CompletableFuture<SnapshotMetadata> f : snapshotWaiters) {
            f.completeExceptionally(error);
        }
        snapshotWaiters.clear();
        snapshotRequested = false;
        for (Map.Entry<Long, CompletableFuture<Void>> w : transferWaiters) {
            w.getValue().completeExceptionally(error);
        }
        transferWaiters.clear();
    }

    Throwable failure() {
        return failure;
    }

    private void publish() {
        published = core.status();
    }

    /**
     * Publishes a new role, term or leader before any message that follows from it is sent. A
     * peer can act on that message (a new leader's append tells the old leader who leads, and a
     * caller waiting on the old leader's status returns) while this loop is still between sending
     * and the publish at the end of its iteration; anyone who then looks at this node must
     * already see it as leader.
     */
    private void publishIfLeadershipMoved() {
        Status s = published;
        if (s == null || s.role() != core.role() || s.term() != core.term() || s.leader() != core.leader()) {
            publish();
        }
    }

    Status status() {
        return published;
    }

    long appliedIndex() {
        return stateMachine.appliedIndex();
    }

    /** The applied index as of the latest apply; safe from any thread (see {@link #appliedIndexView}). */
    long appliedIndexView() {
        return appliedIndexView;
    }

}
