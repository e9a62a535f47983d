package io.ostraka.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Real {@code ostraka server} processes on loopback for process tests: free ports picked up
 * front, each node's output kept in a log file, SIGKILL / SIGSTOP / SIGCONT, restart on the same
 * data directory, leader lookup through the HTTP admin endpoint. Closing kills everything.
 */
final class ProcessCluster implements AutoCloseable {
    record Ports(int resp, int peer, int grpc, int http) {}

    final Path root;
    final TreeMap<Long, Ports> ports = new TreeMap<>();
    final TreeMap<Long, Process> processes = new TreeMap<>();
    private final String members;
    private final List<String> extraFlags;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    ProcessCluster(Path root, int size, String... extraFlags) throws IOException {
        this.root = root;
        this.extraFlags = List.of(extraFlags);
        Set<Integer> used = new HashSet<>();
        StringBuilder m = new StringBuilder();
        for (long id = 1; id <= size; id++) {
            Ports p = new Ports(freePort(used), freePort(used), freePort(used), freePort(used));
            ports.put(id, p);
            m.append(id == 1 ? "" : ",").append(id).append("=127.0.0.1:").append(p.peer());
        }
        members = m.toString();
        for (long id = 1; id <= size; id++) {
            start(id);
        }
    }

    private static int freePort(Set<Integer> used) throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (used.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }

    void start(long id) throws IOException {
        Ports p = ports.get(id);
        Path dir = root.resolve("node-" + id);
        Files.createDirectories(dir);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "server",
                "--node-id", Long.toString(id), "--data-dir", dir.toString(),
                "--resp-listen", "127.0.0.1:" + p.resp(), "--peer-listen", "127.0.0.1:" + p.peer(),
                "--grpc-listen", "127.0.0.1:" + p.grpc(), "--http-listen", "127.0.0.1:" + p.http(),
                "--initial-members", members));
        if (ports.size() < 3) {
            command.add("--dev");
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

    void signal(long id, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(processes.get(id).pid())).inheritIO().start();
        kill.waitFor(10, TimeUnit.SECONDS);
    }

    /** The node whose /status says it leads, or 0. */
    long leader() {
        for (Long id : ports.keySet()) {
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
        for (Process p : processes.values()) {
            p.destroyForcibly();
        }
        for (Process p : processes.values()) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        processes.clear();
    }
}
