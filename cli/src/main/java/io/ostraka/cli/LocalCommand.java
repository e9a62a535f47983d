package io.ostraka.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ostraka local}: a cluster of real {@code ostraka server} processes on loopback. Waits
 * for a leader, prints the endpoints and a ready line, streams every node's log prefixed with
 * its id, and on Ctrl-C (or SIGTERM) stops the nodes gracefully.
 */
@Command(name = "local", description = "Run a local cluster of real server processes on loopback.")
final class LocalCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "3", description = "number of nodes (1, 3, 5, ...; default ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--data", defaultValue = "./data/local", description = "data directory root (default ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--resp-port", defaultValue = "6379", description = "RESP port of node 1; node i uses this + i - 1")
    int respPort;

    @Option(names = "--peer-port", defaultValue = "7379", description = "peer port of node 1")
    int peerPort;

    @Option(names = "--grpc-port", defaultValue = "5379", description = "client gRPC port of node 1")
    int grpcPort;

    @Option(names = "--http-port", defaultValue = "8379", description = "HTTP admin port of node 1")
    int httpPort;

    @Option(names = "--storage", defaultValue = "rocksdb", description = "rocksdb or memory")
    String storage;

    @Option(names = "--profile", defaultValue = "default", description = "timing profile: default, low-latency, wan")
    String profile;

    @Option(names = "--lease-reads", description = "let leaders serve lease reads")
    boolean leaseReads;

    private final List<Process> processes = new ArrayList<>();
    private final List<Thread> logPumps = new ArrayList<>();
    /** Set once stopping starts: node exits from then on are expected, not news. */
    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        if (nodes < 1 || nodes > 9) {
            System.err.println("ostraka local: --nodes must be between 1 and 9, got " + nodes);
            return 2;
        }
        String portProblem = checkPorts();
        if (portProblem != null) {
            System.err.println("ostraka local: " + portProblem);
            return 2;
        }
        StringBuilder members = new StringBuilder();
        for (int i = 1; i <= nodes; i++) {
            members.append(i == 1 ? "" : ",").append(i).append("=127.0.0.1:").append(peerPort + i - 1);
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runnable stopNodes = () -> {
            stopAll();
            stop.countDown();
        };
        // Ctrl-C and SIGTERM are a planned stop: handled here, so that after the nodes stopped
        // cleanly this exits 0 like `ostraka server`, not 130/143. The hook covers the rest.
        ServerCommand.onSignal("INT", stopNodes);
        ServerCommand.onSignal("TERM", stopNodes);
        Runtime.getRuntime().addShutdownHook(new Thread(stopNodes, "ostraka-local-stop"));
        for (int i = 1; i <= nodes; i++) {
            synchronized (this) { // a stop that has begun (Ctrl-C during start-up) starts no more nodes
                if (stopping) {
                    break;
                }
                processes.add(startNode(i, members.toString()));
            }
        }
        if (!awaitLeader(Duration.ofSeconds(60))) {
            if (stopping) { // interrupted by Ctrl-C: not a failure
                stop.await();
                return 0;
            }
            if (!nodeExited) {
                System.err.println("ostraka local: no leader within 60 s; stopping");
            }
            stopAll();
            return 1;
        }
        printEndpoints();
        System.out.println("cluster is ready: " + nodes + " node" + (nodes == 1 ? "" : "s")
                + " (redis-cli -p " + respPort + ", Ctrl-C to stop)");
        System.out.flush();
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger(processes.size());
        java.util.concurrent.atomic.AtomicBoolean allGone = new java.util.concurrent.atomic.AtomicBoolean();
        for (Process p : processes) {
            p.onExit().thenRun(() -> {
                if (!stopping) {
                    System.err.println("ostraka local: node process " + p.pid() + " exited with " + p.exitValue());
                }
                if (running.decrementAndGet() == 0 && !stopping) {
                    System.err.println("ostraka local: every node has exited; stopping");
                    allGone.set(true);
                    stop.countDown();
                }
            });
        }
        stop.await();
        return allGone.get() ? 1 : 0;
    }

    private Process startNode(int id, String members) throws IOException {
        Path dir = data.resolve("node-" + id);
        Files.createDirectories(dir);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC"));
        // Extra JVM options for every node (a profiler agent, a larger heap), split on spaces.
        String extra = System.getenv("OSTRAKA_NODE_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "server",
                "--node-id", Integer.toString(id),
                "--data-dir", dir.toString(),
                "--storage", storage,
                "--profile", profile,
                "--resp-listen", "127.0.0.1:" + (respPort + id - 1),
                "--peer-listen", "127.0.0.1:" + (peerPort + id - 1),
                "--grpc-listen", "127.0.0.1:" + (grpcPort + id - 1),
                "--http-listen", "127.0.0.1:" + (httpPort + id - 1),
                "--initial-members", members));
        if (nodes < 3 || nodes % 2 == 0) {
            command.add("--dev");
        }
        if (leaseReads) {
            command.add("--lease-reads");
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put(LogFormat.ENV, LogFormat.selected().setting()); // our stdout, not the pipe, decides
        Process p = pb.start();
        Thread pump = new Thread(() -> prefixLines("node-" + id, p, () -> readyNodes.add(id)), "ostraka-local-log-" + id);
        pump.setDaemon(true);
        pump.start();
        logPumps.add(pump);
        return p;
    }

    /** Copies {@code p}'s output, each line prefixed; {@code onReady} runs when it says it is ready. */
    private static void prefixLines(String prefix, Process p, Runnable onReady) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.contains(" ready: resp=")) {
                    onReady.run();
                }
                synchronized (System.out) {
                    System.out.println("[" + prefix + "] " + line);
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /**
     * Checks, before any node starts, that every port the nodes will listen on is in range and
     * free on 127.0.0.1; returns what is wrong, or null. (A port taken in between still makes that
     * node exit, which start-up reports.)
     */
    private String checkPorts() {
        String[] names = {"--resp-port", "--peer-port", "--grpc-port", "--http-port"};
        int[] firsts = {respPort, peerPort, grpcPort, httpPort};
        java.util.Map<Integer, String> seen = new java.util.HashMap<>();
        for (int k = 0; k < names.length; k++) {
            for (int i = 1; i <= nodes; i++) {
                int port = firsts[k] + i - 1;
                String what = names[k].substring(2) + " of node " + i;
                if (firsts[k] < 1 || port > 65535) {
                    return names[k] + " " + firsts[k] + ": node " + i + " would need port " + port + ", outside 1..65535";
                }
                String other = seen.put(port, what);
                if (other != null) {
                    return "port " + port + " would be both the " + other + " and the " + what;
                }
                try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                    probe.bind(new java.net.InetSocketAddress("127.0.0.1", port));
                } catch (IOException e) {
                    return "port " + port + " (" + what + ") is in use; pick other ports with " + names[k];
                }
            }
        }
        return null;
    }

    /** Whether start-up ended because a node exited (not because no leader came in time). */
    private volatile boolean nodeExited;

    /** Nodes whose process printed its ready line: it listens on the ports it was given. */
    private final java.util.Set<Integer> readyNodes = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private boolean awaitLeader(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            // Our own nodes first: a port another process holds makes ours exit, and that other
            // process may well answer /status as a leader.
            for (int i = 0; i < processes.size(); i++) {
                Process p = processes.get(i);
                if (!p.isAlive()) {
                    System.err.println("ostraka local: node " + (i + 1) + " exited during startup with status " + p.exitValue()
                            + " (its log above says why); stopping");
                    nodeExited = true;
                    return false;
                }
            }
            if (stopping) {
                return false;
            }
            for (int i = 1; i <= nodes; i++) {
                if (!readyNodes.contains(i)) {
                    continue; // not listening yet, or whatever answers on its port is not it
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (httpPort + i - 1) + "/status"))
                            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.body().contains("\"role\":\"leader\"")) {
                        return true;
                    }
                } catch (IOException e) {
                    // not up yet
                }
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return false;
    }

    private void printEndpoints() {
        System.out.println();
        System.out.printf("%-6s %-18s %-18s %-18s %-18s%n", "node", "resp", "grpc", "peer", "http");
        for (int i = 1; i <= nodes; i++) {
            System.out.printf("%-6d %-18s %-18s %-18s %-18s%n", i, "127.0.0.1:" + (respPort + i - 1),
                    "127.0.0.1:" + (grpcPort + i - 1), "127.0.0.1:" + (peerPort + i - 1), "http://127.0.0.1:" + (httpPort + i - 1));
        }
        System.out.println();
    }

    /**
     * Stops every node with SIGTERM (each shuts down gracefully; SIGKILL after 15 s), then lets
     * the log pumps print what the nodes said on their way out before this process exits.
     */
    private synchronized void stopAll() {
        if (stopping) {
            return;
        }
        stopping = true;
        System.err.println("ostraka local: stopping " + processes.size() + " node" + (processes.size() == 1 ? "" : "s"));
        for (Process p : processes) {
            p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close the pipe of its last words
        }
        boolean interrupted = false;
        for (Process p : processes) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    System.err.println("ostraka local: node process " + p.pid() + " did not stop within 15 s; killing it");
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                interrupted = true;
            }
        }
        for (Thread pump : logPumps) {
            try {
                pump.join(TimeUnit.SECONDS.toMillis(2)); // the pipe ends at the node's exit: quick
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        System.err.println("ostraka local: stopped");
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
