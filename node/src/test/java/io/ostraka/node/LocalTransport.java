package io.ostraka.node;

import io.ostraka.log.SnapshotStore;
import io.ostraka.raft.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * An in-process transport for runtime tests: nodes of one JVM exchange messages through a shared
 * registry, asynchronously (on a delivery thread, as a network would), with links that can be
 * cut. Snapshots are copied from the sender's snapshot store into the receiver's before the
 * message is delivered, as the gRPC transport does. The gRPC transport has its own tests.
 */
final class LocalTransport implements Transport {
    /** The shared "network". */
    static final class Network implements AutoCloseable {
        final ConcurrentHashMap<Long, LocalTransport> nodes = new ConcurrentHashMap<>();
        final Set<Long> down = ConcurrentHashMap.newKeySet();
        /** Messages this drops are lost silently, as on a lossy link (a test's finer partitions). */
        volatile java.util.function.Predicate<Message> drop = m -> false;
        final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "local-network");
            t.setDaemon(true);
            return t;
        });

        LocalTransport join(long nodeId, SnapshotStore snapshots) {
            LocalTransport t = new LocalTransport(this, nodeId, snapshots);
            nodes.put(nodeId, t);
            return t;
        }

        @Override
        public void close() {
            delivery.shutdownNow();
        }
    }

    private final Network network;
    private final long nodeId;
    private final SnapshotStore snapshots;
    private volatile Inbound inbound;
    private volatile ForwardHandler forwardHandler;

    private LocalTransport(Network network, long nodeId, SnapshotStore snapshots) {
        this.network = network;
        this.nodeId = nodeId;
        this.snapshots = snapshots;
    }

    @Override
    public void start(Inbound inbound) {
        this.inbound = inbound;
    }

    private LocalTransport reachable(long to) {
        LocalTransport peer = network.nodes.get(to);
        if (peer == null || peer.inbound == null || network.down.contains(to) || network.down.contains(nodeId)) {
            return null;
        }
        return peer;
    }

    @Override
    public void send(List<Message> messages) {
        for (Message m : messages) {
            network.delivery.execute(() -> {
                if (network.drop.test(m)) {
                    return;
                }
                LocalTransport peer = reachable(m.to());
                if (peer == null) {
                    inbound.reportUnreachable(m.groupId(), m.to());
                } else {
                    peer.inbound.receive(List.of(m));
                }
            });
        }
    }

    @Override
    public void sendSnapshot(Message m) {
        network.delivery.execute(() -> {
            LocalTransport peer = reachable(m.to());
            boolean ok = peer != null;
            String why = "unreachable";
            long index = m.snapshot().index();
            inbound.snapshotTransfer(new SnapshotTransfer(m.groupId(), m.to(), index, SnapshotTransfer.Phase.STARTED, 0, 1, ""));
            if (ok) {
                try {
                    copySnapshot(m, peer);
                    peer.inbound.receive(List.of(m));
                } catch (IOException e) {
                    ok = false;
                    why = e.toString();
                }
            }
            inbound.snapshotTransfer(ok
                    ? new SnapshotTransfer(m.groupId(), m.to(), index, SnapshotTransfer.Phase.DELIVERED, 1, 1, "")
                    : new SnapshotTransfer(m.groupId(), m.to(), index, SnapshotTransfer.Phase.FAILED, 0, 1, why));
            inbound.reportSnapshot(m.groupId(), m.to(), ok);
        });
    }

    private void copySnapshot(Message m, LocalTransport peer) throws IOException {
        SnapshotStore.StoredSnapshot source = null;
        for (SnapshotStore.StoredSnapshot s : snapshots.list(m.groupId())) {
            if (s.metadata().index() == m.snapshot().index()) {
                source = s;
            }
        }
        if (source == null) {
            throw new IOException("snapshot " + m.snapshot().index() + " not found");
        }
        SnapshotStore.Writer writer = peer.snapshots.begin(m.groupId(), m.snapshot());
        try (Stream<Path> files = Files.list(source.directory())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (!f.getFileName().toString().equals("MANIFEST")) {
                    Files.copy(f, writer.directory().resolve(f.getFileName()));
                }
            }
        }
        writer.commit();
    }

    @Override
    public void setPeerAddress(long nodeId, String hostPort) {
        // addresses are node ids here
    }

    @Override
    public CompletableFuture<byte[]> forward(long to, byte[] request) {
        LocalTransport peer = reachable(to);
        if (peer == null || peer.forwardHandler == null) {
            return CompletableFuture.failedFuture(new OstrakaException(ErrorCode.NO_QUORUM, "node " + to + " unreachable"));
        }
        return peer.forwardHandler.handle(request);
    }

    @Override
    public void setForwardHandler(ForwardHandler handler) {
        this.forwardHandler = handler;
    }

    @Override
    public void close() {
        network.nodes.remove(nodeId, this);
    }
}
