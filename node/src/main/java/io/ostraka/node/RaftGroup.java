package io.ostraka.node;

import io.ostraka.raft.Role;
import io.ostraka.raft.Status;
import io.ostraka.raft.confchange.ConfChange;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The embedding API of one Raft group on this node, in the spirit of seed 001's
 * {@code ReplicatedLog}. Thread-safe: every call hands its work to the group's event loop and
 * returns a future. Futures fail with {@link OstrakaException} ({@link ErrorCode}).
 */
public final class RaftGroup {
    private final GroupRunner runner;
    private final RaftNode node;

    RaftGroup(GroupRunner runner, RaftNode node) {
        this.runner = runner;
        this.node = node;
    }

    public long groupId() {
        return runner.groupId;
    }

    /**
     * Replicates a command; completes with its index and result once applied here. An empty
     * command is refused (INVALID_REQUEST): the log reserves empty entries for a new leader's
     * first entry, which the state machine never sees.
     */
    public CompletableFuture<Applied> propose(byte[] command) {
        CompletableFuture<Applied> f = new CompletableFuture<>();
        if (command.length == 0) {
            f.completeExceptionally(new OstrakaException(ErrorCode.INVALID_REQUEST,
                    "group " + groupId() + ": a command must not be empty"));
            return f;
        }
        runner.execute(() -> runner.propose(command, f), f);
        return f;
    }

    /**
     * Runs {@code query} against the state machine once it is safe at {@code level} (and has
     * applied at least {@code minIndex}), on the group's loop. The query must not block.
     */
    public <T> CompletableFuture<T> read(ReadLevel level, long minIndex, Function<StateMachine, T> query) {
        CompletableFuture<T> f = new CompletableFuture<>();
        runner.execute(() -> runner.read(level, minIndex, query, f), f);
        return f;
    }

    /** Completes with an applied index at which a read at {@code level} is safe. */
    public CompletableFuture<Long> readBarrier(ReadLevel level) {
        return read(level, 0, StateMachine::appliedIndex);
    }

    public boolean isLeader() {
        Status s = runner.status();
        return s != null && s.role() == Role.LEADER;
    }

    /** The known leader's id, 0 if none. */
    public long leader() {
        Status s = runner.status();
        return s == null ? 0 : s.leader();
    }

    /** Completes with the leader's id once one is known; fails with TIMEOUT after {@code timeout}. */
    public CompletableFuture<Long> awaitLeader(java.time.Duration timeout) {
        return node.awaitLeader(this, 0, timeout);
    }

    /** Why the group stopped (storage failure, broken invariant), or null while it runs. */
    public Throwable failure() {
        return runner.failure();
    }

    /** The core's status as of the end of the loop's last iteration. */
    public Status status() {
        return runner.status();
    }

    /**
     * The highest log index applied to the state machine. It is updated as entries are applied,
     * before their proposals' futures complete: once {@code propose} completed with index
     * {@code i}, this is at least {@code i}. ({@link #status()} is published at the end of a loop
     * iteration and may lag behind it.)
     */
    public long appliedIndex() {
        return runner.appliedIndexView();
    }

    /** A member's addresses as learned from membership changes, or null. */
    public MemberInfo member(long id) {
        return runner.member(id);
    }

    public SortedMap<Long, MemberInfo> members() {
        return runner.members();
    }

    /** Adds a voter (single-step change); completes with the index of the applied change. */
    public CompletableFuture<Long> addMember(MemberInfo member) {
        return changeMembership(ConfChange.addVoter(member.id()).withContext(MemberInfo.encodeAll(List.of(member))));
    }

    /** Adds a non-voting learner that replicates and can later be promoted. */
    public CompletableFuture<Long> addLearner(MemberInfo member) {
        return changeMembership(ConfChange.addLearner(member.id()).withContext(MemberInfo.encodeAll(List.of(member))));
    }

    /** Makes a learner a voter. */
    public CompletableFuture<Long> promote(long id) {
        return changeMembership(ConfChange.addVoter(id));
    }

    public CompletableFuture<Long> removeMember(long id) {
        return changeMembership(ConfChange.remove(id));
    }

    /** Any change, including joint ones (several voters at once). */
    public CompletableFuture<Long> changeMembership(ConfChange change) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        runner.execute(() -> runner.proposeConfChange(change, f), f);
        return f;
    }

    /**
     * Asks the leader to hand leadership to {@code to}. Completes when {@code to} leads; fails
     * when this node's core gives the transfer up (TIMEOUT after an election timeout or when the
     * target is found down, NOT_LEADER when someone else was elected), and with TIMEOUT after the
     * request timeout otherwise (as when a follower forwarded the request).
     */
    public CompletableFuture<Void> transferLeadership(long to) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        runner.execute(() -> runner.transferLeadership(to, done), done);
        if (done.isDone()) {
            return done;
        }
        CompletableFuture<Long> leads = node.awaitLeader(this, to, node.options().requestTimeout()); // fails on close too
        leads.whenComplete((id, e) -> {
            if (e == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(e);
            }
        });
        done.whenComplete((v, e) -> leads.cancel(false)); // given up early: stop polling
        return done;
    }

    /**
     * Takes a snapshot now, regardless of the snapshot policy; completes with its metadata (the
     * latest one when nothing was applied since).
     */
    public CompletableFuture<io.ostraka.raft.SnapshotMetadata> triggerSnapshot() {
        CompletableFuture<io.ostraka.raft.SnapshotMetadata> taken = new CompletableFuture<>();
        runner.execute(() -> runner.requestSnapshot(taken), taken);
        return taken;
    }
}
