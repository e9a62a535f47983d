package io.ostraka.server;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Real {@link OstrakaServer}s in this JVM, bootstrapped together from one initial-members list,
 * on loopback ports the kernel handed out (bound to port 0, released, then given to the server:
 * members must know each other's peer addresses before any of them starts). Reused by the cli
 * tests through the server's test jar.
 */
public final class TestCluster implements AutoCloseable {
    /** A node's ports: RESP, peer, client gRPC, HTTP admin. */
    public record Ports(int resp, int peer, int grpc, int http) {}

    private final Path root;
    private final String storage;
    private final List<String> extraFlags;
    private final Set<Integer> used = new HashSet<>();
    private final TreeMap<Long, Ports> ports = new TreeMap<>();
    private final TreeMap<Long, OstrakaServer> servers = new TreeMap<>();

    private TestCluster(Path root, String storage, List<String> extraFlags) {
        this.root = root;
        this.storage = storage;
        this.extraFlags = List.copyOf(extraFlags);
    }

    /** Starts {@code size} nodes (ids 1..size) with {@code storage} ("memory" or "rocksdb") and extra flags. */
    public static TestCluster start(Path root, int size, String storage, String... extraFlags) throws Exception {
        TestCluster c = new TestCluster(root, storage, List.of(extraFlags));
        try {
            for (long id = 1; id <= size; id++) {
                c.ports.put(id, new Ports(c.freePort(), c.freePort(), c.freePort(), c.freePort()));
            }
            for (long id = 1; id <= size; id++) {
                c.servers.put(id, OstrakaServer.start(c.config(id)));
            }
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    private int freePort() throws Exception {
        while (true) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (used.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }

    private ServerConfig config(long id) {
        Ports p = ports.get(id);
        StringBuilder members = new StringBuilder();
        for (Map.Entry<Long, Ports> e : ports.entrySet()) {
            members.append(members.length() == 0 ? "" : ",").append(e.getKey()).append("=127.0.0.1:").append(e.getValue().peer());
        }
        List<String> flags = new ArrayList<>(List.of("--node-id", Long.toString(id),
                "--data-dir", root.resolve("n" + id).toString(), "--storage", storage, "--profile", "low-latency",
                "--initial-members", members.toString(),
                "--resp-listen", "127.0.0.1:" + p.resp(), "--peer-listen", "127.0.0.1:" + p.peer(),
                "--grpc-listen", "127.0.0.1:" + p.grpc(), "--http-listen", "127.0.0.1:" + p.http()));
        flags.addAll(extraFlags);
        return ServerConfig.load(Map.of(), Map.of(), flags);
    }

    public OstrakaServer server(long id) {
        return servers.get(id);
    }

    public Map<Long, OstrakaServer> servers() {
        return servers;
    }

    public Ports ports(long id) {
        return ports.get(id);
    }

    /** Client gRPC addresses of every node, comma separated. */
    public String grpcEndpoints() {
        StringBuilder s = new StringBuilder();
        ports.values().forEach(p -> s.append(s.length() == 0 ? "" : ",").append("127.0.0.1:").append(p.grpc()));
        return s.toString();
    }

    /** Waits until every running node knows the same leader; returns its id. */
    public long awaitLeader(Duration timeout) {
        long[] leader = new long[1];
        await(() -> {
            long seen = 0;
            for (OstrakaServer s : servers.values()) {
                long l = s.group().leader();
                if (l == 0 || (seen != 0 && l != seen)) {
                    return false;
                }
                seen = l;
            }
            leader[0] = seen;
            return servers.get(seen) != null && servers.get(seen).group().isLeader();
        }, timeout, "one leader known to every node");
        return leader[0];
    }

    /** Stops one node (gracefully: a leader hands over first). */
    public void stop(long id) {
        OstrakaServer s = servers.remove(id);
        if (s != null) {
            s.close();
        }
    }

    /** Polls {@code condition} every 20 ms until it holds; fails after {@code timeout}. */
    public static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Override
    public void close() {
        for (OstrakaServer s : servers.values()) {
            s.close();
        }
        servers.clear();
    }
}
