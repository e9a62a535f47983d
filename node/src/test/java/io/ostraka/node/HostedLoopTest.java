package io.ostraka.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.log.LogEngine;
import io.ostraka.log.LogEngineConfig;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import io.ostraka.raft.Ready;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event loops hosted on a transport's thread ({@link Transport#loopHosts()}), as the gRPC
 * transport offers its Netty I/O thread: everything of a group runs on the host, ticks keep
 * time with no task queued, an iteration's messages are written before its fsync, and a
 * follower's acknowledgements before it applies.
 */
class HostedLoopTest {
    @TempDir
    Path dir;

    /** One thread, like a Netty event loop. */
    static final class Host implements LoopHost, AutoCloseable {
        final ScheduledThreadPoolExecutor executor;
        final LoopHost host;

        Host(String threadName) {
            this.executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
            });
            executor.setRemoveOnCancelPolicy(true);
            this.host = LoopHost.of(executor);
        }

        @Override
        public void execute(Runnable task) {
            host.execute(task);
        }

        @Override
        public Future<?> schedule(Runnable task, long delayNanos) {
            return host.schedule(task, delayNanos);
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }

    /**
     * A transport on a host: like gRPC on Netty, a send from the host thread only queues the
     * write, which a later host task performs. Counts sends queued and written.
     */
    static final class HostedTransport implements Transport {
        final LocalTransport network;
        final Host host;
        final AtomicInteger queued = new AtomicInteger();
        final AtomicInteger written = new AtomicInteger();
        /** Acknowledgements (APPEND_RESPONSE) sent but not yet written. */
        final AtomicInteger unwrittenAcks = new AtomicInteger();

        HostedTransport(LocalTransport network, Host host) {
            this.network = network;
            this.host = host;
        }

        @Override
        public List<LoopHost> loopHosts() {
            return List.of(host);
        }

        @Override
        public void send(List<Message> messages) {
            queued.incrementAndGet();
            int acks = (int) messages.stream().filter(m -> m.type() == MessageType.APPEND_RESPONSE).count();
            unwrittenAcks.addAndGet(acks);
            host.execute(() -> {
                written.incrementAndGet();
                unwrittenAcks.addAndGet(-acks);
                network.send(messages);
            });
        }

        @Override public void start(Inbound inbound) { network.start(inbound); }
        @Override public void sendSnapshot(Message m) { network.sendSnapshot(m); }
        @Override public void setPeerAddress(long nodeId, String hostPort) { network.setPeerAddress(nodeId, hostPort); }
        @Override public CompletableFuture<byte[]> forward(long nodeId, byte[] request) { return network.forward(nodeId, request); }
        @Override public void setForwardHandler(ForwardHandler handler) { network.setForwardHandler(handler); }
        @Override public void close() { network.close(); }
    }

    /** The durable log, checking at each fsync that every message sent before it was written. */
    static final class CheckingStorage implements RaftStorage {
        final RaftStorage durable;
        final HostedTransport transport;
        final AtomicInteger writesWithUnsentMessages = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();

        CheckingStorage(RaftStorage durable, HostedTransport transport) {
            this.durable = durable;
            this.transport = transport;
        }

        @Override public io.ostraka.raft.LogView view() { return durable.view(); }
        @Override public CompletableFuture<Void> persist(Ready ready) { return durable.persist(ready); }

        @Override
        public void writeStaged() {
            writes.incrementAndGet();
            if (transport.written.get() != transport.queued.get()) {
                writesWithUnsentMessages.incrementAndGet();
            }
            durable.writeStaged();
        }

        @Override
        public CompletableFuture<Void> snapshotTaken(io.ostraka.raft.SnapshotMetadata snapshot, long trailing) {
            return durable.snapshotTaken(snapshot, trailing);
        }
    }

    /**
     * Records the threads it is applied on, and applies that ran while an acknowledgement sent
     * before them was still waiting for its socket write.
     */
    static final class ThreadRecordingMachine implements StateMachine {
        final CounterMachine counter = new CounterMachine();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final HostedTransport transport;
        final AtomicInteger appliesAheadOfAcks = new AtomicInteger();

        ThreadRecordingMachine(HostedTransport transport) {
            this.transport = transport;
        }

        @Override
        public byte[] apply(long index, byte[] command) {
            threads.add(Thread.currentThread().getName());
            if (transport.unwrittenAcks.get() > 0) {
                appliesAheadOfAcks.incrementAndGet();
            }
            return counter.apply(index, command);
        }

        @Override public long appliedIndex() { return counter.appliedIndex(); }
        @Override public void snapshot(java.io.OutputStream out) throws IOException { counter.snapshot(out); }
        @Override public void restore(long index, java.io.InputStream in) throws IOException { counter.restore(index, in); }
    }

    @Test
    void aClusterOnHostedLoopsCommitsOnTheHostsAndWritesMessagesBeforeEachFsync() throws Exception {
        int size = 3;
        List<AutoCloseable> closeLast = new ArrayList<>();
        List<RaftNode> nodes = new ArrayList<>();
        List<ThreadRecordingMachine> machines = new ArrayList<>();
        List<CheckingStorage> storages = new ArrayList<>();
        List<MemberInfo> members = new ArrayList<>();
        for (long id = 1; id <= size; id++) {
            members.add(MemberInfo.ofPeer(id, "node-" + id));
        }
        LocalTransport.Network network = new LocalTransport.Network();
        try {
            for (long id = 1; id <= size; id++) {
                Host host = new Host("host-" + id);
                closeLast.add(host);
                LogEngine engine = LogEngine.open(LogEngineConfig.defaults(dir.resolve("node-" + id)));
                closeLast.add(engine);
                HostedTransport transport = new HostedTransport(network.join(id, engine.snapshots()), host);
                CheckingStorage storage = new CheckingStorage(RaftStorage.durable(engine.group(NodeCluster.GROUP)), transport);
                ThreadRecordingMachine machine = new ThreadRecordingMachine(transport);
                RaftNode node = RaftNode.start(NodeCluster.fast(id), transport, Clock.SYSTEM);
                node.openGroup(new GroupSpec(NodeCluster.GROUP, machine, storage, engine.snapshots(), members, id * 31));
                nodes.add(node);
                machines.add(machine);
                storages.add(storage);
            }
            // No task is queued while the cluster is idle: only the host timers' ticks elect a leader.
            RaftGroup leader = awaitLeader(nodes);
            List<CompletableFuture<Applied>> writes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                writes.add(leader.propose(("add " + 1).getBytes(StandardCharsets.UTF_8)));
            }
            CompletableFuture.allOf(writes.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
            NodeCluster.await(() -> machines.stream().allMatch(m -> m.counter.value() == 200), "every node applied 200");

            for (int i = 0; i < size; i++) {
                assertThat(machines.get(i).threads).containsExactly("host-" + (i + 1));
                assertThat(storages.get(i).writes.get()).isPositive();
                assertThat(storages.get(i).writesWithUnsentMessages.get())
                        .as("fsyncs of node %d that started before the messages of their iteration were written", i + 1)
                        .isZero();
                assertThat(machines.get(i).appliesAheadOfAcks.get())
                        .as("applies on node %d that ran before an acknowledgement sent ahead of them was written", i + 1)
                        .isZero();
            }
        } finally {
            for (RaftNode node : nodes) {
                node.close();
            }
            network.close();
            for (AutoCloseable c : closeLast) {
                c.close();
            }
        }
    }

    private static RaftGroup awaitLeader(List<RaftNode> nodes) {
        RaftGroup[] leader = new RaftGroup[1];
        NodeCluster.await(() -> {
            for (RaftNode n : nodes) {
                if (n.group(NodeCluster.GROUP).isLeader()) {
                    leader[0] = n.group(NodeCluster.GROUP);
                    return true;
                }
            }
            return false;
        }, "a leader");
        return leader[0];
    }

    @Test
    void aClosedNodeFailsNewRequestsWithStoppedOnceItsHostIsGone() throws Exception {
        try (Host host = new Host("host-1"); LocalTransport.Network network = new LocalTransport.Network();
             LogEngine engine = LogEngine.open(LogEngineConfig.defaults(dir.resolve("solo")))) {
            HostedTransport transport = new HostedTransport(network.join(1, engine.snapshots()), host);
            RaftNode node = RaftNode.start(NodeCluster.fast(1), transport, Clock.SYSTEM);
            RaftGroup group = node.openGroup(new GroupSpec(NodeCluster.GROUP, new CounterMachine(),
                    RaftStorage.durable(engine.group(NodeCluster.GROUP)), engine.snapshots(),
                    List.of(MemberInfo.ofPeer(1, "node-1")), 7));
            group.awaitLeader(Duration.ofSeconds(20)).get(20, TimeUnit.SECONDS);
            assertThat(group.propose("set 5".getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS).index()).isPositive();
            node.close();
            host.close();
            CompletableFuture<Applied> late = group.propose("set 6".getBytes(StandardCharsets.UTF_8));
            assertThat(late).failsWithin(Duration.ZERO)
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOf(OstrakaException.class)
                    .matches(e -> ((OstrakaException) e).code() == ErrorCode.STOPPED, "code STOPPED");
        }
    }
}
