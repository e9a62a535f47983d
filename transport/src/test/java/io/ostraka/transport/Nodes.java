package io.ostraka.transport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Test fixture: real transports on loopback ephemeral ports, each with its own snapshot
 * directory and recording inbound, all closed by {@link #close()}.
 */
final class Nodes implements AutoCloseable {
    final Path root;
    final List<GrpcTransport> transports = new ArrayList<>();
    final List<RecordingInbound> inbounds = new ArrayList<>();

    Nodes(Path root) {
        this.root = root;
    }

    static TransportConfig.Builder config(long nodeId, Path root) {
        return TransportConfig.builder(nodeId, "test-cluster")
                .listenHost("127.0.0.1")
                .port(0)
                .backoffBase(Duration.ofMillis(20))
                .backoffMax(Duration.ofMillis(200))
                .random(new SplittableRandom(nodeId))
                .snapshotFiles(new DirectorySnapshotFiles(root.resolve("node-" + nodeId)));
    }

    /** Starts node {@code nodeId} (1-based, in order) with the config tweaked by {@code tweak}. */
    GrpcTransport start(long nodeId, UnaryOperator<TransportConfig.Builder> tweak) throws Exception {
        GrpcTransport t = new GrpcTransport(tweak.apply(config(nodeId, root)).build());
        RecordingInbound in = new RecordingInbound();
        t.start(in);
        transports.add(t);
        inbounds.add(in);
        return t;
    }

    /** Starts {@code n} nodes 1..n and tells each where the others are. */
    static Nodes started(Path root, int n) throws Exception {
        Nodes nodes = new Nodes(root);
        for (long id = 1; id <= n; id++) {
            nodes.start(id, b -> b);
        }
        nodes.connectAll();
        return nodes;
    }

    void connectAll() {
        for (GrpcTransport a : transports) {
            for (GrpcTransport b : transports) {
                if (a != b) {
                    a.setPeerAddress(b.config().nodeId(), "127.0.0.1:" + b.port());
                }
            }
        }
    }

    GrpcTransport transport(long nodeId) {
        return transports.get((int) nodeId - 1);
    }

    RecordingInbound inbound(long nodeId) {
        return inbounds.get((int) nodeId - 1);
    }

    @Override
    public void close() {
        for (GrpcTransport t : transports) {
            t.close();
        }
    }
}
