package io.ostraka.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.log.SnapshotStore;
import io.ostraka.log.segment.NioFileIo;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import io.ostraka.raft.MemoryLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read request contexts restarted at 1 with every GroupRunner (found by review), so a
 * READ_INDEX_RESPONSE that the leader sent to the previous incarnation of a follower (queued while
 * it restarted, as the gRPC transport's CONNECTING queue does) answered the restarted follower's
 * first read with the old read index: the read was served from a state that missed a write
 * acknowledged before it began. Contexts now start at a random point per runner.
 */
class ReadContextRestartTest {
    @TempDir
    Path dir;

    private final LocalTransport.Network network = new LocalTransport.Network();
    private final Map<Long, RaftNode> nodes = new TreeMap<>();
    private final Map<Long, CounterMachine> machines = new TreeMap<>();
    private final Map<Long, MemoryLog> logs = new TreeMap<>();
    private final Map<Long, Holding> transports = new TreeMap<>();
    private final List<MemberInfo> members = List.of(MemberInfo.ofPeer(1, "node-1"), MemberInfo.ofPeer(2, "node-2"),
            MemberInfo.ofPeer(3, "node-3"));

    /** A LocalTransport whose node can be made to hold back some inbound messages. */
    static final class Holding implements Transport {
        final LocalTransport inner;
        volatile Predicate<Message> hold = m -> false;
        final ConcurrentLinkedQueue<Message> held = new ConcurrentLinkedQueue<>();
        volatile Inbound node;

        Holding(LocalTransport inner) {
            this.inner = inner;
        }

        @Override
        public void start(Inbound inbound) throws java.io.IOException {
            node = inbound;
            inner.start(new Inbound() {
                @Override
                public void receive(List<Message> messages) {
                    for (Message m : messages) {
                        if (hold.test(m)) {
                            held.add(m);
                        } else {
                            inbound.receive(List.of(m));
                        }
                    }
                }

                @Override
                public void reportUnreachable(long groupId, long peerId) {
                    inbound.reportUnreachable(groupId, peerId);
                }

                @Override
                public void reportSnapshot(long groupId, long peerId, boolean delivered) {
                    inbound.reportSnapshot(groupId, peerId, delivered);
                }

                @Override
                public void snapshotTransfer(SnapshotTransfer progress) {
                    inbound.snapshotTransfer(progress);
                }
            });
        }

        void release() {
            hold = m -> false;
            List<Message> out = new ArrayList<>();
            Message m;
            while ((m = held.poll()) != null) {
                out.add(m);
            }
            node.receive(out);
        }

        @Override public void send(List<Message> messages) { inner.send(messages); }
        @Override public void sendSnapshot(Message m) { inner.sendSnapshot(m); }
        @Override public void setPeerAddress(long nodeId, String hostPort) { }
        @Override public CompletableFuture<byte[]> forward(long to, byte[] request) { return inner.forward(to, request); }
        @Override public void setForwardHandler(ForwardHandler handler) { inner.setForwardHandler(handler); }
        @Override public void close() { inner.close(); }
    }

    private void start(long id) throws Exception {
        SnapshotStore snapshots = new SnapshotStore(dir.resolve("snap-" + id + "-" + System.nanoTime()), NioFileIo.INSTANCE, 2);
        Holding t = new Holding(network.join(id, snapshots));
        // A long election timeout: the follower must not campaign while the test holds its heartbeats.
        NodeOptions o = NodeCluster.fast(id).withTiming(Duration.ofMillis(10), 300, 1);
        RaftNode node = RaftNode.start(o, t, Clock.SYSTEM);
        CounterMachine m = new CounterMachine();
        node.openGroup(new GroupSpec(1, m, RaftStorage.memory(logs.computeIfAbsent(id, k -> new MemoryLog())), snapshots,
                members, id * 7919));
        nodes.put(id, node);
        machines.put(id, m);
        transports.put(id, t);
    }

    @AfterEach
    void close() {
        nodes.values().forEach(RaftNode::close);
        network.close();
    }

    private long leader() {
        long[] l = new long[1];
        NodeCluster.await(() -> {
            for (Map.Entry<Long, RaftNode> e : nodes.entrySet()) {
                if (e.getValue().group(1).isLeader()) {
                    l[0] = e.getKey();
                    return true;
                }
            }
            return false;
        }, "a leader");
        return l[0];
    }

    @Test
    void aReadIndexResponseMeantForTheFollowersPreviousIncarnationDoesNotAnswerItsNewRead() throws Exception {
        for (long id = 1; id <= 3; id++) {
            start(id);
        }
        long leader = leader();
        long f = leader == 1 ? 2 : 1;
        RaftGroup lg = nodes.get(leader).group(1);
        assertThat(lg.propose(CounterMachine.add(1)).get(10, TimeUnit.SECONDS).index()).isPositive();

        // The follower's first read: the leader's answer is delayed in the network.
        NodeCluster.await(() -> nodes.get(f).group(1).leader() == leader, "the follower knows the leader");
        transports.get(f).hold = m -> m.type() == MessageType.READ_INDEX_RESPONSE;
        CompletableFuture<Long> first = nodes.get(f).group(1).read(ReadLevel.FOLLOWER, 0, sm -> ((CounterMachine) sm).value());
        NodeCluster.await(() -> !transports.get(f).held.isEmpty(), "the leader's READ_INDEX_RESPONSE");
        Message stale = transports.get(f).held.poll();

        // The follower restarts (same log, fresh in-memory state machine) and catches up.
        nodes.remove(f).close();
        assertThat(first).failsWithin(Duration.ofSeconds(5));
        start(f);
        NodeCluster.await(() -> nodes.get(f).group(1).leader() == leader && machines.get(f).value() == 1,
                "the restarted follower caught up");

        // It now hears nothing from the leader for a moment; meanwhile a write is acknowledged.
        transports.get(f).hold = m -> m.from() == leader;
        assertThat(CounterMachine.result(lg.propose(CounterMachine.add(10)).get(10, TimeUnit.SECONDS))).isEqualTo(11);

        // A read that starts after the write was acknowledged must see it.
        CompletableFuture<Long> read = nodes.get(f).group(1).read(ReadLevel.FOLLOWER, 0, sm -> ((CounterMachine) sm).value());
        nodes.get(f).receive(List.of(stale)); // the old incarnation's answer finally arrives
        NodeCluster.await(() -> read.isDone() || transports.get(f).held.stream()
                .anyMatch(m -> m.type() == MessageType.READ_INDEX_RESPONSE), "the new read's answer or its completion");
        transports.get(f).release();
        assertThat(read.get(10, TimeUnit.SECONDS))
                .as("a FOLLOWER read begun after the write of 10 was acknowledged (stale response index %d)", stale.index())
                .isEqualTo(11);
    }
}
