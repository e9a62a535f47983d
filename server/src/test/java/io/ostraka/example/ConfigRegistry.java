package io.ostraka.example;

import io.ostraka.log.LogEngine;
import io.ostraka.log.LogEngineConfig;
import io.ostraka.node.Clock;
import io.ostraka.node.GroupSpec;
import io.ostraka.node.MemberInfo;
import io.ostraka.node.NodeOptions;
import io.ostraka.node.RaftGroup;
import io.ostraka.node.RaftNode;
import io.ostraka.node.RaftStorage;
import io.ostraka.node.ReadLevel;
import io.ostraka.node.StateMachine;
import io.ostraka.transport.DirectorySnapshotFiles;
import io.ostraka.transport.GrpcTransport;
import io.ostraka.transport.TransportConfig;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A replicated configuration registry in one file: three nodes in one JVM, each with a durable
 * log and a real gRPC transport on loopback. Run it with {@code main}; docs/embedding.md walks
 * through it.
 */
public final class ConfigRegistry {

    /** The application's state: name → value. Deterministic: no clocks, no randomness. */
    static final class Registry implements StateMachine {
        private final TreeMap<String, String> entries = new TreeMap<>();
        private long applied;

        @Override
        public byte[] apply(long index, byte[] command) {
            String[] parts = new String(command, StandardCharsets.UTF_8).split("=", 2);
            String previous = entries.put(parts[0], parts[1]);
            applied = index;
            return (previous == null ? "" : previous).getBytes(StandardCharsets.UTF_8);
        }

        String get(String name) {
            return entries.get(name);
        }

        @Override
        public long appliedIndex() {
            return applied;
        }

        @Override
        public void snapshot(OutputStream out) throws IOException {
            DataOutputStream data = new DataOutputStream(out);
            data.writeLong(applied);
            data.writeInt(entries.size());
            for (Map.Entry<String, String> e : entries.entrySet()) {
                data.writeUTF(e.getKey());
                data.writeUTF(e.getValue());
            }
            data.flush();
        }

        @Override
        public void restore(long index, InputStream in) throws IOException {
            DataInputStream data = new DataInputStream(in);
            applied = data.readLong();
            entries.clear();
            for (int n = data.readInt(); n > 0; n--) {
                entries.put(data.readUTF(), data.readUTF());
            }
        }
    }

    /** One process of the service: storage, transport, the Raft node and the registry group. */
    static final class Server implements AutoCloseable {
        final LogEngine engine;
        final RaftNode node;
        final RaftGroup group;

        Server(long id, Path dir, int port, List<MemberInfo> members) throws IOException {
            engine = LogEngine.open(LogEngineConfig.defaults(dir.resolve("log")));
            GrpcTransport transport = new GrpcTransport(TransportConfig.builder(id, "registry")
                    .port(port)
                    .snapshotFiles(new DirectorySnapshotFiles(dir.resolve("incoming")))
                    .build());
            node = RaftNode.start(NodeOptions.defaults(id), transport, Clock.SYSTEM);
            group = node.openGroup(new GroupSpec(1, new Registry(), RaftStorage.durable(engine.group(1)),
                    engine.snapshots(), members, id));
        }

        /** Sets a value; completes once a quorum has it and it is applied here. */
        String set(String name, String value) {
            return new String(group.propose((name + "=" + value).getBytes(StandardCharsets.UTF_8)).join().result(),
                    StandardCharsets.UTF_8);
        }

        /** A linearizable read: never stale, even right after a leader change. */
        String get(String name) {
            return group.read(ReadLevel.LINEARIZABLE, 0, sm -> ((Registry) sm).get(name)).join();
        }

        @Override
        public void close() throws IOException {
            node.close();
            engine.close();
        }
    }

    public static void main(String[] args) throws Exception {
        Path root = Files.createTempDirectory("registry");
        List<MemberInfo> members = new ArrayList<>();
        int[] ports = new int[3];
        for (int i = 0; i < 3; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports[i] = s.getLocalPort();
            }
            members.add(MemberInfo.ofPeer(i + 1, "127.0.0.1:" + ports[i]));
        }
        List<Server> servers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            servers.add(new Server(i + 1, root.resolve("node-" + (i + 1)), ports[i], members));
        }
        try {
            long leaderId = servers.get(0).group.awaitLeader(Duration.ofSeconds(30)).join();
            Server leader = servers.get((int) leaderId - 1);
            leader.set("feature.checkout", "on");
            for (Server s : servers) {
                // Every node answers, and every answer is linearizable.
                System.out.println("node " + s.node.options().nodeId() + ": feature.checkout = " + s.get("feature.checkout"));
            }
        } finally {
            for (Server s : servers) {
                s.close();
            }
        }
    }
}
