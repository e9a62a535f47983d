package io.ostraka.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.ostraka.api.kv.v1.KvGrpc;
import io.ostraka.api.kv.v1.StatusRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Real {@code ostraka server} processes on loopback for process tests: free ports picked up
 * front, each node's output kept in a log file, SIGKILL / SIGSTOP / SIGCONT / SIGTERM, restart on
 * the same data directory, leader lookup through the HTTP admin endpoint. Nodes beyond the
 * initial members get ports with {@link #reserve} and start with {@code --join} ({@link #join}).
 * Closing kills everything.
 */
final class ProcessCluster implements AutoCloseable {
    record Ports(int resp, int peer, int grpc, int http) {}

    /** Ports are picked from [20000, 32000): below the ephemeral range, above common services. */
    private static final int FIRST_PICKED_PORT = 20_000;
    private static final int PICKED_PORTS = 12_000;

    final Path root;
    final TreeMap<Long, Ports> ports = new TreeMap<>();
    final TreeMap<Long, Process> processes = new TreeMap<>();
    private final Set<Integer> usedPorts = new HashSet<>();
    private final int initialMembers;
    private final String members;
    private final List<String> jvmFlags;
    private final Map<Long, List<String>> nodeJvmFlags;
    private final List<String> extraFlags;
    /** Nodes that start with --join (this client address) instead of --initial-members. */
    private final TreeMap<Long, String> joinAddresses = new TreeMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private final Map<Long, ManagedChannel> channels = new HashMap<>();

    ProcessCluster(Path root, int size, String... extraFlags) throws IOException {
        this(root, size, List.of("-Xmx256m"), extraFlags);
    }

    /** {@code size} initial members, all started; {@code jvmFlags} replace the default heap limit. */
    ProcessCluster(Path root, int size, List<String> jvmFlags, String... extraFlags) throws IOException {
        this(root, size, jvmFlags, Map.of(), extraFlags);
    }

    /** As above, and {@code nodeJvmFlags} added for the nodes it names. */
    ProcessCluster(Path root, int size, List<String> jvmFlags, Map<Long, List<String>> nodeJvmFlags,
            String... extraFlags) throws IOException {
        this.root = root;
        this.initialMembers = size;
        this.jvmFlags = List.copyOf(jvmFlags);
        this.nodeJvmFlags = Map.copyOf(nodeJvmFlags);
        this.extraFlags = List.of(extraFlags);
        StringBuilder m = new StringBuilder();
        for (long id = 1; id <= size; id++) {
            Ports p = reserve(id);
            m.append(id == 1 ? "" : ",").append(id).append("=127.0.0.1:").append(p.peer());
        }
        members = m.toString();
        for (long id = 1; id <= size; id++) {
            start(id);
        }
    }

    /** Picks ports for node {@code id} (not started). */
    Ports reserve(long id) throws IOException {
        Ports p = new Ports(freePort(usedPorts), freePort(usedPorts), freePort(usedPorts), freePort(usedPorts));
        ports.put(id, p);
        return p;
    }

    /** Starts node {@code id} (ports reserved) with an empty data directory and {@code --join} through {@code via}. */
    void join(long id, long via) throws IOException {
        joinAddresses.put(id, grpcAddress(via));
        start(id);
    }

    String grpcAddress(long id) {
        return "127.0.0.1:" + ports.get(id).grpc();
    }

    String peerAddress(long id) {
        return "127.0.0.1:" + ports.get(id).peer();
    }

    /** The client gRPC addresses of the running nodes, comma separated (for {@code --endpoints}). */
    String endpoints() {
        StringBuilder s = new StringBuilder();
        for (long id : processes.keySet()) {
            s.append(s.length() == 0 ? "" : ",").append(grpcAddress(id));
        }
        return s.toString();
    }

    /**
     * A port free now, for a process that binds it a few seconds later. Taken below Linux's
     * ephemeral range (32768 and up), where the local end of an outgoing connection — this
     * build's or a parallel one's — cannot land on it in between, as a port from bind(0) can.
     */
    private static int freePort(Set<Integer> used) throws IOException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = FIRST_PICKED_PORT + random.nextInt(PICKED_PORTS);
            if (used.contains(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                used.add(port);
                return port;
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IOException("no free port in [" + FIRST_PICKED_PORT + ", " + (FIRST_PICKED_PORT + PICKED_PORTS) + ")");
    }

    void start(long id) throws IOException {
        Ports p = ports.get(id);
        Path dir = root.resolve("node-" + id);
        Files.createDirectories(dir);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmFlags);
        command.addAll(nodeJvmFlags.getOrDefault(id, List.of()));
        command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "server",
                "--node-id", Long.toString(id), "--data-dir", dir.toString(),
                "--resp-listen", "127.0.0.1:" + p.resp(), "--peer-listen", "127.0.0.1:" + p.peer(),
                "--grpc-listen", "127.0.0.1:" + p.grpc(), "--http-listen", "127.0.0.1:" + p.http()));
        if (joinAddresses.containsKey(id)) {
            command.addAll(List.of("--join", joinAddresses.get(id)));
        } else {
            command.addAll(List.of("--initial-members", members));
            if (initialMembers < 3) {
                command.add("--dev");
            }
        }
        command.addAll(extraFlags);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("node-" + id + ".log").toFile())).start();
        processes.put(id, process);
    }

    void kill(long id) throws InterruptedException {
        Process p = processes.remove(id);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for the process to exit; returns its exit status. */
    int terminate(long id, Duration timeout) throws InterruptedException {
        Process p = processes.get(id);
        p.destroy(); // SIGTERM
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("node " + id + " did not exit within " + timeout + " of SIGTERM");
        }
        processes.remove(id);
        return p.exitValue();
    }

    void signal(long id, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(processes.get(id).pid())).inheritIO().start();
        kill.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * Node {@code id}'s view through the client gRPC Status call: the response's info map (stable
     * names: role, commit_index, applied_index, first_index, voters, learners, ...), or null when
     * the node does not answer within 5 seconds.
     */
    Map<String, String> statusInfo(long id) {
        ManagedChannel channel = channels.computeIfAbsent(id,
                i -> NettyChannelBuilder.forTarget(grpcAddress(i)).usePlaintext().build());
        try {
            return KvGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .status(StatusRequest.getDefaultInstance()).getInfoMap();
        } catch (StatusRuntimeException e) {
            return null;
        }
    }

    /** A number from {@link #statusInfo}, or -1 when the node does not answer. */
    long statusNumber(long id, String name) {
        Map<String, String> info = statusInfo(id);
        return info == null || !info.containsKey(name) ? -1 : Long.parseLong(info.get(name));
    }

    /** A positive number from {@link #statusInfo}, waiting until the node answers with one. */
    long awaitStatusNumber(long id, String name, Duration timeout) {
        long[] value = new long[1];
        await(() -> (value[0] = statusNumber(id, name)) > 0, timeout, "node " + id + " to report a positive " + name);
        return value[0];
    }

    /** The running node whose /status says it leads, or 0. */
    long leader() {
        for (Long id : new ArrayList<>(processes.keySet())) {
            String status = status(id);
            if (status != null && status.contains("\"role\":\"leader\"")) {
                return id;
            }
        }
        return 0;
    }

    String status(long id) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(id).http() + "/status"))
                    .timeout(Duration.ofMillis(800)).build(), HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    long awaitLeader(Duration timeout) {
        long[] leader = new long[1];
        await(() -> (leader[0] = leader()) != 0, timeout, "a leader");
        return leader[0];
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    String logs() throws IOException {
        StringBuilder s = new StringBuilder();
        for (Long id : ports.keySet()) {
            Path log = root.resolve("node-" + id + ".log");
            if (Files.exists(log)) {
                List<String> lines = Files.readAllLines(log);
                s.append("---- node ").append(id).append(" (last lines)\n");
                for (String line : lines.subList(Math.max(0, lines.size() - 25), lines.size())) {
                    s.append(line).append('\n');
                }
            }
        }
        return s.toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel c : channels.values()) {
            c.shutdownNow();
        }
        channels.clear();
        for (Process p : processes.values()) {
            p.destroyForcibly();
        }
        for (Process p : processes.values()) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        processes.clear();
    }
}
