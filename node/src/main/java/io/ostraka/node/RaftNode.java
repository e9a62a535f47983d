package io.ostraka.node;

import io.ostraka.raft.Message;
import io.ostraka.raft.RaftConfig;
import io.ostraka.raft.RaftCore;
import io.ostraka.raft.RaftEvent;
import io.ostraka.raft.LogStore;
import io.ostraka.raft.SnapshotMetadata;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's Raft runtime: it hosts one or many groups on a small fixed set of
 * {@link EventLoop}s (a group always on the same loop, chosen by its id), moves their messages
 * through a {@link Transport}, and tells {@link RaftListener}s what happens.
 */
public final class RaftNode implements AutoCloseable, Inbound {
    private static final Logger log = LoggerFactory.getLogger(RaftNode.class);

    private final NodeOptions options;
    private final Transport transport;
    private final Clock clock;
    private final EventLoop[] loops;
    private final ConcurrentHashMap<Long, GroupRunner> groups = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<RaftListener> listeners = new CopyOnWriteArrayList<>();
    private volatile RaftMetrics metrics = RaftMetrics.NONE;
    private final ScheduledExecutorService timers;
    /** Callers of {@link #awaitLeader} still waiting; failed by {@link #close}, which drops their polls. */
    private final java.util.Set<CompletableFuture<Long>> leaderWaiters = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private RaftNode(NodeOptions options, Transport transport, Clock clock) {
        this.options = options;
        this.transport = transport;
        this.clock = clock;
        this.loops = new EventLoop[options.eventLoops()];
        List<LoopHost> hosts = transport.loopHosts();
        for (int i = 0; i < loops.length; i++) {
            loops[i] = hosts.isEmpty()
                    ? EventLoop.ownThread("ostraka-loop-" + options.nodeId() + "-" + i, clock, options.tick().toNanos())
                    : EventLoop.hosted(hosts.get(i % hosts.size()), clock, options.tick().toNanos());
        }
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ostraka-timers-" + options.nodeId());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the loops and the transport. Open groups with {@link #openGroup}. */
    public static RaftNode start(NodeOptions options, Transport transport, Clock clock) throws IOException {
        RaftNode node = new RaftNode(options, transport, clock);
        for (EventLoop loop : node.loops) {
            loop.start();
        }
        transport.start(node);
        return node;
    }

    /** Opens (bootstrapping it if new and given initial members) a group on this node. */
    public RaftGroup openGroup(GroupSpec spec) throws IOException {
        // Checked here, before a new group's storage is bootstrapped, and again on the loop, where
        // groups are added (two concurrent opens).
        refuseIfOpen(spec.groupId());
        if (spec.storage().view().lastIndex() == 0 && spec.storage().view().hardState().isEmpty()
                && spec.storage().view().snapshot().isEmpty() && !spec.initialMembers().isEmpty()) {
            List<Long> voters = new ArrayList<>();
            for (MemberInfo m : spec.initialMembers()) {
                voters.add(m.id());
            }
            if (!voters.contains(options.nodeId())) {
                throw new IllegalArgumentException("node " + options.nodeId() + " is not among the initial members " + voters);
            }
            RaftCore.bootstrap((LogStore) spec.storage().view(), voters, MemberInfo.encodeAll(spec.initialMembers()));
        }
        EventLoop loop = loops[(int) Math.floorMod(spec.groupId(), (long) loops.length)];
        java.util.TreeMap<Long, MemberInfo> known = new java.util.TreeMap<>();
        for (MemberInfo m : spec.initialMembers()) {
            known.put(m.id(), m);
        }
        RaftCore.Factory factory = applied -> new RaftCore(raftConfig(spec.groupId(), applied), spec.storage().view(),
                new SplittableRandom(spec.randomSeed()));
        CompletableFuture<GroupRunner> created = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                refuseIfOpen(spec.groupId());
                GroupRunner runner = new GroupRunner(spec.groupId(), this, loop, factory, spec.storage(),
                        spec.snapshots(), spec.stateMachine(), known);
                loop.attach(runner);
                groups.put(spec.groupId(), runner);
                created.complete(runner);
            } catch (Throwable e) {
                // An Error too (a native library that fails to load): escaping, it would kill the
                // loop thread and leave the caller waiting forever.
                created.completeExceptionally(e);
                if (e instanceof VirtualMachineError fatal) {
                    throw fatal;
                }
            }
        });
        try {
            return new RaftGroup(created.join(), this);
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    private void refuseIfOpen(long groupId) {
        if (groups.containsKey(groupId)) {
            throw new IllegalStateException("group " + groupId + " is already open on node " + options.nodeId());
        }
    }

    private RaftConfig raftConfig(long groupId, long appliedIndex) {
        return RaftConfig.builder(options.nodeId(), groupId)
                .electionTimeoutTicks(options.electionTicks())
                .heartbeatTicks(options.heartbeatTicks())
                .preVote(options.preVote())
                .checkQuorum(options.checkQuorum())
                .leaseReads(options.leaseReads())
                .leaseDriftMarginTicks(options.leaseDriftTicks())
                .maxUncommittedBytes(options.maxUncommittedBytes())
                .appliedIndex(appliedIndex)
                .build();
    }

    public RaftGroup group(long groupId) {
        GroupRunner runner = groups.get(groupId);
        return runner == null ? null : new RaftGroup(runner, this);
    }

    public void addListener(RaftListener listener) {
        listeners.add(listener);
    }

    /** Where the groups report latencies; set it before opening groups to see everything. */
    public void setMetrics(RaftMetrics metrics) {
        java.util.Objects.requireNonNull(metrics, "metrics");
        this.metrics = metrics == RaftMetrics.NONE ? metrics : new GuardedMetrics(metrics);
    }

    /**
     * Calls a {@link RaftMetrics} on the loop, where an exception would otherwise stop the group
     * it reports on: a broken metrics system must cost measurements, never availability. The
     * first failure is logged with its stack, later ones are counted in the log line only.
     */
    private static final class GuardedMetrics implements RaftMetrics {
        private final RaftMetrics delegate;
        private final AtomicLong failures = new AtomicLong();

        GuardedMetrics(RaftMetrics delegate) {
            this.delegate = delegate;
        }

        // A try per method rather than a Runnable per call: these run on every apply and commit.
        private void failed(RuntimeException e) {
            long n = failures.incrementAndGet();
            if (n == 1) {
                log.error("metrics {} failed; the measurement is dropped", delegate, e);
            } else if (Long.bitCount(n) == 1) {
                log.error("metrics {} failed {} times; last: {}", delegate, n, e.toString());
            }
        }

        @Override
        public void committed(long groupId, long nanos) {
            try {
                delegate.committed(groupId, nanos);
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        @Override
        public void applied(long groupId, int entries, long nanos) {
            try {
                delegate.applied(groupId, entries, nanos);
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        @Override
        public void readServed(long groupId, ReadLevel level, long nanos) {
            try {
                delegate.readServed(groupId, level, nanos);
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        @Override
        public void snapshotTaken(long groupId, SnapshotMetadata snapshot, long nanos) {
            try {
                delegate.snapshotTaken(groupId, snapshot, nanos);
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        @Override
        public void snapshotInstalled(long groupId, SnapshotMetadata snapshot) {
            try {
                delegate.snapshotInstalled(groupId, snapshot);
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    RaftMetrics metrics() {
        return metrics;
    }

    public NodeOptions options() {
        return options;
    }

    Transport transport() {
        return transport;
    }

    Clock clock() {
        return clock;
    }

    // ---------------------------------------------------------------- Inbound (transport threads)

    @Override
    public void receive(List<Message> messages) {
        for (Message m : messages) {
            GroupRunner runner = groups.get(m.groupId());
            if (runner != null && m.to() == options.nodeId()) {
                runner.execute(() -> runner.step(m));
            }
        }
    }

    @Override
    public void reportUnreachable(long groupId, long peerId) {
        GroupRunner runner = groups.get(groupId);
        if (runner != null) {
            runner.execute(() -> runner.reportUnreachable(peerId));
        }
    }

    @Override
    public void reportPeerDown(long peerId) {
        for (GroupRunner runner : groups.values()) {
            runner.execute(() -> runner.reportPeerDown(peerId));
        }
    }

    @Override
    public void reportSnapshot(long groupId, long peerId, boolean delivered) {
        GroupRunner runner = groups.get(groupId);
        if (runner != null) {
            runner.execute(() -> runner.reportSnapshot(peerId, delivered));
        }
    }

    // ---------------------------------------------------------------- services for groups

    void learnMember(MemberInfo member) {
        if (member.id() != options.nodeId() && member.peerAddress() != null) {
            transport.setPeerAddress(member.id(), member.peerAddress());
        }
    }

    @Override
    public void snapshotTransfer(SnapshotTransfer t) {
        GroupRunner runner = groups.get(t.groupId());
        if (runner != null) {
            runner.execute(() -> runner.publishTransfer(t));
        }
    }

    /** A core event: to raw listeners as it is, then to everyone as a {@link NodeEvent}. */
    void publish(long groupId, RaftEvent event) {
        for (RaftListener l : listeners) {
            try {
                l.onEvent(options.nodeId(), groupId, event);
            } catch (RuntimeException e) {
                listenerFailed(l, e);
            }
        }
        publish(NodeEvent.typeOf(event), groupId, event.term(), event.index(), event.peer(), event.detail(), 0, 0);
    }

    /** Stamps, logs and hands out an event; on the group's loop. */
    void publish(NodeEvent.Type type, long groupId, long term, long index, long peer, String detail, long bytes, long totalBytes) {
        NodeEvent event = new NodeEvent(type, options.nodeId(), groupId, term, index, peer, detail, bytes, totalBytes,
                clock.wallMillis());
        EventLog.log(event);
        for (RaftListener l : listeners) {
            try {
                l.onNodeEvent(event);
            } catch (RuntimeException e) {
                listenerFailed(l, e);
            }
        }
    }

    /**
     * An observer's bug must not stop the group it observes (the loop would fail the group on
     * any exception), so it is logged and the event goes on to the other listeners.
     */
    private static void listenerFailed(RaftListener listener, RuntimeException e) {
        log.error("event listener {} failed", listener, e);
    }

    void notifyApplied(long groupId, long index, byte[] command) {
        for (RaftListener l : listeners) {
            try {
                l.onApplied(groupId, index, command);
            } catch (RuntimeException e) {
                listenerFailed(l, e);
            }
        }
    }

    /**
     * Completes with the leader's id once {@code group} has one ({@code target} 0: any leader),
     * polling the published status; fails with TIMEOUT after {@code timeout}. Cancelling the
     * returned future stops the polling.
     */
    CompletableFuture<Long> awaitLeader(RaftGroup group, long target, java.time.Duration timeout) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        leaderWaiters.add(f);
        f.whenComplete((v, e) -> leaderWaiters.remove(f));
        if (closed) {
            f.completeExceptionally(closing());
            return f;
        }
        long deadline = clock.nanoTime() + timeout.toNanos();
        Runnable[] check = new Runnable[1];
        check[0] = () -> {
            if (f.isDone()) {
                return; // cancelled by the caller
            }
            long leader = group.leader();
            if (leader != 0 && (target == 0 || leader == target)) {
                f.complete(leader);
            } else if (closed) {
                f.completeExceptionally(closing());
            } else if (clock.nanoTime() - deadline > 0) {
                f.completeExceptionally(new OstrakaException(ErrorCode.TIMEOUT, (target == 0 ? "no leader was elected"
                        : "leadership did not move to node " + target) + " within " + timeout.toMillis() + " ms"));
            } else {
                schedulePoll(check[0], Math.max(1, options.tick().toMillis() / 4), f);
            }
        };
        schedulePoll(check[0], 0, f);
        return f;
    }

    /** Schedules a leader poll; once the timers are shut down (closing), {@code f} fails instead. */
    private void schedulePoll(Runnable check, long delayMillis, CompletableFuture<Long> f) {
        try {
            timers.schedule(check, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            f.completeExceptionally(closing());
        }
    }

    private OstrakaException closing() {
        return new OstrakaException(ErrorCode.STOPPED, "node " + options.nodeId() + " is shutting down");
    }

    boolean isClosed() {
        return closed;
    }

    /** Stops the loops and the transport; pending requests fail with STOPPED, later ones at once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        OstrakaException stopped = new OstrakaException(ErrorCode.STOPPED, "node " + options.nodeId() + " is shutting down");
        List<CompletableFuture<Void>> drained = new ArrayList<>();
        for (GroupRunner g : groups.values()) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            g.loop.execute(() -> {
                g.failAll(stopped);
                done.complete(null);
            });
            drained.add(done);
        }
        try {
            CompletableFuture.allOf(drained.toArray(new CompletableFuture[0])).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("node {}: groups did not drain in time", options.nodeId(), e);
        }
        for (EventLoop loop : loops) {
            loop.shutdown();
        }
        timers.shutdownNow(); // drops the polls of awaitLeader: their callers learn it here
        for (CompletableFuture<Long> waiter : List.copyOf(leaderWaiters)) {
            waiter.completeExceptionally(stopped);
        }
        transport.close();
    }
}
