package io.ostraka.server;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.KvResult;
import io.ostraka.kv.KvStatus;
import io.ostraka.kv.KvStateMachine;
import io.ostraka.kv.ReadConsistency;
import io.ostraka.node.Clock;
import io.ostraka.node.ErrorCode;
import io.ostraka.node.MemberInfo;
import io.ostraka.node.OstrakaException;
import io.ostraka.node.RaftGroup;
import io.ostraka.node.ReadLevel;
import io.ostraka.node.Transport;
import io.ostraka.raft.Status;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@link KvService} over a Raft group: any node accepts any request.
 *
 * <ul>
 *   <li>Writes on the leader are proposed; on a follower they are forwarded to the leader over
 *       the peer transport. A write is retried — at the new leader, until the request deadline —
 *       only when it certainly did not happen (refused with NOT_LEADER, or never delivered), or
 *       when it carries a client session, which makes a retry exactly-once.</li>
 *   <li>Reads are served by this node at the requested consistency: linearizable and follower
 *       reads through ReadIndex (a follower asks the leader for the index), lease reads on the
 *       leader's lease (elsewhere as linearizable), stale reads locally but never behind the
 *       caller's minimum index.</li>
 * </ul>
 */
public final class RaftKvService implements KvService, Transport.ForwardHandler {
    private static final byte FORWARD_WRITE = 1;
    private static final byte FORWARD_DESCRIBE = 2;

    private final long nodeId;
    private final RaftGroup group;
    private final Transport transport;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final long timeoutNanos;
    private final long backoffMillis;
    private final MemberInfo self;
    /** Client-facing addresses of other members, learned by asking them over the peer transport. */
    private final java.util.concurrent.ConcurrentHashMap<Long, MemberInfo> described = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<Long> describing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public RaftKvService(long nodeId, RaftGroup group, Transport transport, ScheduledExecutorService scheduler,
                         Clock clock, Duration requestTimeout, Duration tick, MemberInfo self) {
        this.nodeId = nodeId;
        this.group = group;
        this.transport = transport;
        this.scheduler = scheduler;
        this.clock = clock;
        this.timeoutNanos = requestTimeout.toNanos();
        this.backoffMillis = Math.max(1, tick.toMillis() / 4);
        this.self = self;
    }

    // ---------------------------------------------------------------- writes

    @Override
    public CompletableFuture<Result> write(KvCommand command) {
        return write(command, this::writeOnce);
    }

    /**
     * {@code command} through {@code once} (one proposal or forward), retried as {@link #attempt}
     * says. A session write may be proposed more than once here, invisibly to the caller, so a
     * SESSION_EXPIRED answer to a retry does not mean "nothing was applied": an earlier attempt
     * may have applied before the session was forgotten. That answer becomes TIMEOUT (outcome
     * unknown); front ends resend in a new session only after a SESSION_EXPIRED, which now
     * always means a single proposal that applied nothing.
     */
    CompletableFuture<Result> write(KvCommand command, java.util.function.Function<KvCommand, CompletableFuture<Result>> once) {
        return attempt(() -> once.apply(command), command.sessionId() != 0, clock.nanoTime() + timeoutNanos);
    }

    private CompletableFuture<Result> writeOnce(KvCommand command) {
        if (group.isLeader()) {
            return group.propose(command.encode()).thenApply(a -> new Result(KvResult.decode(a.result()), a.index()));
        }
        long leader = group.leader();
        if (leader == 0) {
            return CompletableFuture.failedFuture(new OstrakaException(ErrorCode.NOT_LEADER, "no leader is known yet"));
        }
        byte[] request = ByteBuffer.allocate(1 + command.encode().length).put(FORWARD_WRITE).put(command.encode()).array();
        CompletableFuture<Result> forwarded = transport.forward(leader, request).thenApply(RaftKvService::decodeResult);
        if (command.sessionId() != 0) {
            return forwarded; // retried in its session, it applies at most once
        }
        // Without a session, a forward that broke off (the transport's NO_QUORUM: the connection
        // was cancelled or lost) may have reached the leader and been applied. Retrying it as a
        // request that did not happen could apply it twice, so its outcome is reported unknown.
        return forwarded.exceptionallyCompose(error -> CompletableFuture.failedFuture(
                unwrap(error) instanceof OstrakaException e && e.code() == ErrorCode.NO_QUORUM
                        ? new OstrakaException(ErrorCode.TIMEOUT, "outcome unknown: the write without a session was forwarded to node "
                                + leader + " and the call broke off (" + e.getMessage() + ")")
                        : error));
    }

    /** Serves a write another node forwarded: only the leader proposes; nobody forwards twice. */
    @Override
    public CompletableFuture<byte[]> handle(byte[] request) {
        if (request.length == 0) {
            return CompletableFuture.failedFuture(new OstrakaException(ErrorCode.INVALID_REQUEST, "empty forwarded request"));
        }
        if (request[0] == FORWARD_DESCRIBE) {
            return CompletableFuture.completedFuture(MemberInfo.encodeAll(java.util.List.of(self)));
        }
        if (request[0] != FORWARD_WRITE) {
            return CompletableFuture.failedFuture(new OstrakaException(ErrorCode.INVALID_REQUEST, "unknown forwarded request type " + request[0]));
        }
        if (!group.isLeader()) {
            return CompletableFuture.failedFuture(notLeader());
        }
        KvCommand.Decoded decoded = KvCommand.decode(Arrays.copyOfRange(request, 1, request.length));
        if (decoded.command() == null) {
            return CompletableFuture.failedFuture(new OstrakaException(ErrorCode.INVALID_REQUEST, decoded.error()));
        }
        return group.propose(decoded.command().encode()).thenApply(a -> encodeResult(KvResult.decode(a.result()), a.index()));
    }

    private static byte[] encodeResult(KvResult result, long index) {
        byte[] r = result.encode();
        return ByteBuffer.allocate(8 + r.length).putLong(index).put(r).array();
    }

    private static Result decodeResult(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long index = in.getLong();
        byte[] r = new byte[in.remaining()];
        in.get(r);
        return new Result(KvResult.decode(r), index);
    }

    // ---------------------------------------------------------------- reads

    @Override
    public CompletableFuture<Result> read(KvOp op, ReadConsistency consistency, long minIndex) {
        ReadLevel level = switch (consistency) {
            case LINEARIZABLE -> ReadLevel.LINEARIZABLE;
            case LEASE -> group.isLeader() ? ReadLevel.LEASE : ReadLevel.LINEARIZABLE;
            case FOLLOWER -> ReadLevel.FOLLOWER;
            case STALE -> ReadLevel.STALE;
        };
        return attempt(() -> group.read(level, minIndex,
                sm -> new Result(((KvStateMachine) sm).query(op), sm.appliedIndex())), true, clock.nanoTime() + timeoutNanos);
    }

    // ---------------------------------------------------------------- retries

    /**
     * Runs {@code once} until it succeeds, fails for good, or the deadline passes. NOT_LEADER and
     * NO_QUORUM are retried (the request did not happen); TIMEOUT only when {@code idempotent}.
     */
    private CompletableFuture<Result> attempt(Supplier<CompletableFuture<Result>> once, boolean idempotent, long deadline) {
        CompletableFuture<Result> out = new CompletableFuture<>();
        run(once, idempotent, deadline, out, 0);
        return out;
    }

    private void run(Supplier<CompletableFuture<Result>> once, boolean idempotent, long deadline,
                     CompletableFuture<Result> out, int attempt) {
        CompletableFuture<Result> f;
        try {
            f = once.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((result, error) -> {
            if (error == null && attempt > 0 && result.result().status() == KvStatus.SESSION_EXPIRED) {
                // See write(KvCommand, Function): a retry's SESSION_EXPIRED does not mean nothing applied.
                out.completeExceptionally(new OstrakaException(ErrorCode.TIMEOUT, "the session expired while this"
                        + " write was being retried, so an earlier attempt may have applied: the outcome is unknown"));
                return;
            }
            if (error == null) {
                out.complete(result);
                return;
            }
            Throwable cause = unwrap(error);
            // Anything else is unexpected, and may have struck after the proposal: retried as a
            // request that did not happen, a write without a session could apply twice.
            OstrakaException e = cause instanceof OstrakaException oe ? oe
                    : idempotent ? new OstrakaException(ErrorCode.NO_QUORUM, String.valueOf(cause))
                    : new OstrakaException(ErrorCode.TIMEOUT, "outcome unknown: " + cause);
            boolean retryable = e.code() == ErrorCode.NOT_LEADER || e.code() == ErrorCode.NO_QUORUM
                    || (idempotent && e.code() == ErrorCode.TIMEOUT);
            // Short and capped low: during a failover the new leader is usually known within a few
            // heartbeats, and a request that sleeps through it adds its whole backoff to the outage.
            long delay = Math.min(backoffMillis * (1L << Math.min(attempt, 3)), 8 * backoffMillis);
            if (!retryable || clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay) - deadline > 0) {
                out.completeExceptionally(e.code() == ErrorCode.NOT_LEADER && group.leader() == 0
                        ? new OstrakaException(ErrorCode.NO_QUORUM, "no leader could be reached: " + e.getMessage()) : e);
                return;
            }
            scheduler.schedule(() -> run(once, idempotent, deadline, out, attempt + 1), delay, TimeUnit.MILLISECONDS);
        });
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private OstrakaException notLeader() {
        long leader = group.leader();
        return OstrakaException.notLeader(leader, address(leader, "resp"));
    }

    /**
     * The {@code role} address ("resp", "grpc", "http", "peer") of node {@code id}, or null while
     * unknown. Other nodes' client addresses are not in the Raft configuration (only peer addresses
     * are), so they are asked for once over the peer transport and cached.
     */
    public String address(long id, String role) {
        if (id == 0) {
            return null;
        }
        if (id == nodeId) {
            return self.addresses().get(role);
        }
        MemberInfo known = described.get(id);
        if (known != null) {
            return known.addresses().get(role);
        }
        describe(id);
        MemberInfo fromLog = group.member(id);
        return fromLog == null ? null : fromLog.addresses().get(role);
    }

    /** Asks node {@code id} for its addresses over the peer transport, unless known or already being asked. */
    private void describe(long id) {
        if (described.containsKey(id) || !describing.add(id)) {
            return;
        }
        transport.forward(id, new byte[] {FORWARD_DESCRIBE}).whenComplete((bytes, error) -> {
            describing.remove(id);
            if (error == null) {
                MemberInfo info = MemberInfo.decodeAll(bytes).get(id);
                if (info != null) {
                    described.put(id, info);
                }
            }
        });
    }

    /**
     * Asks every member whose client addresses are not known yet for them, now and then every
     * {@code period}: a node learns them while the members are up, so that `ostraka status` on
     * it can still name a member that has gone down since (asking lazily, on the first status
     * call, was too late for that).
     */
    public void learnAddressesEvery(Duration period) {
        scheduler.scheduleWithFixedDelay(() -> {
            Status s = group.status();
            if (s == null) {
                return;
            }
            Set<Long> ids = new TreeSet<>(s.conf().voters());
            ids.addAll(s.conf().learners());
            ids.remove(nodeId);
            ids.forEach(this::describe);
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- info

    @Override
    public Map<String, String> info() {
        return NodeStatus.capture(nodeId, group, this::address, null).facts();
    }
}
