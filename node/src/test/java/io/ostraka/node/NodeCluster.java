package io.ostraka.node;

import io.ostraka.log.LogEngine;
import io.ostraka.log.LogEngineConfig;
import io.ostraka.log.SnapshotStore;
import io.ostraka.log.segment.NioFileIo;
import io.ostraka.raft.MemoryLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Real RaftNodes in one JVM on the {@link LocalTransport}, with durable or in-memory logs. */
final class NodeCluster implements AutoCloseable {
    static final long GROUP = 1;

    final Path root;
    final boolean durable;
    final LocalTransport.Network network = new LocalTransport.Network();
    final TreeMap<Long, RaftNode> nodes = new TreeMap<>();
    final TreeMap<Long, CounterMachine> machines = new TreeMap<>();
    private final Map<Long, LogEngine> engines = new TreeMap<>();
    private final Map<Long, MemoryLog> memoryLogs = new TreeMap<>();
    private final List<MemberInfo> initial = new ArrayList<>();
    private final java.util.function.UnaryOperator<NodeOptions> tune;

    private final java.util.function.LongFunction<Clock> clocks;

    NodeCluster(Path root, boolean durable, int size, java.util.function.UnaryOperator<NodeOptions> tune) throws IOException {
        this(root, durable, size, tune, id -> Clock.SYSTEM);
    }

    /** With node {@code id} on {@code clocks.apply(id)} (a test may stop one and make it jump, as a pause does). */
    NodeCluster(Path root, boolean durable, int size, java.util.function.UnaryOperator<NodeOptions> tune,
                java.util.function.LongFunction<Clock> clocks) throws IOException {
        this.root = root;
        this.durable = durable;
        this.tune = tune;
        this.clocks = clocks;
        for (long id = 1; id <= size; id++) {
            initial.add(MemberInfo.ofPeer(id, "node-" + id));
        }
        for (long id = 1; id <= size; id++) {
            start(id, true);
        }
    }

    static NodeOptions fast(long id) {
        return NodeOptions.defaults(id).withTiming(Duration.ofMillis(10), 10, 1).withEventLoops(1)
                .withRequestTimeout(Duration.ofSeconds(5));
    }

    RaftNode start(long id, boolean bootstrap) throws IOException {
        Path dir = root.resolve("node-" + id);
        Files.createDirectories(dir);
        SnapshotStore snapshots;
        RaftStorage storage;
        if (durable) {
            LogEngine engine = LogEngine.open(LogEngineConfig.defaults(dir.resolve("log")).withSegmentBytesMax(1 << 20));
            engines.put(id, engine);
            snapshots = engine.snapshots();
            storage = RaftStorage.durable(engine.group(GROUP));
        } else {
            snapshots = new SnapshotStore(dir.resolve("snapshots"), NioFileIo.INSTANCE, 2);
            MemoryLog log = memoryLogs.computeIfAbsent(id, k -> new MemoryLog());
            storage = RaftStorage.memory(log);
        }
        NodeOptions options = tune.apply(fast(id));
        RaftNode node = RaftNode.start(options, network.join(id, snapshots), clocks.apply(id));
        CounterMachine machine = new CounterMachine();
        node.openGroup(new GroupSpec(GROUP, machine, storage, snapshots, bootstrap ? initial : List.of(), id * 7919));
        nodes.put(id, node);
        machines.put(id, machine);
        return node;
    }

    void stop(long id) throws IOException {
        RaftNode node = nodes.remove(id);
        if (node != null) {
            node.close();
        }
        LogEngine engine = engines.remove(id);
        if (engine != null) {
            engine.close();
        }
    }

    RaftGroup group(long id) {
        return nodes.get(id).group(GROUP);
    }

    long awaitLeader() {
        long[] leader = new long[1];
        await(() -> {
            for (Map.Entry<Long, RaftNode> e : nodes.entrySet()) {
                if (e.getValue().group(GROUP).isLeader()) {
                    leader[0] = e.getKey();
                    return true;
                }
            }
            return false;
        }, "a leader");
        return leader[0];
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    @Override
    public void close() throws IOException {
        for (long id : new ArrayList<>(nodes.keySet())) {
            stop(id);
        }
        network.close();
    }
}
