package io.ostraka.cli;

import io.ostraka.client.ClusterStatus;
import io.ostraka.client.OstrakaClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ostraka bench-failover}: starts a cluster of real server processes, then repeatedly
 * SIGKILLs the leader while a client keeps writing, and measures the time from the kill to the
 * first write acknowledged by the new leader. Prints each trial and the p50/p99/max.
 */
@Command(name = "bench-failover", description = "Measure leader failover: SIGKILL the leader, time to the first successful write.")
final class FailoverBenchCommand implements Callable<Integer> {
    @Option(names = "--trials", defaultValue = "20") int trials;
    @Option(names = "--nodes", defaultValue = "3") int nodes;
    @Option(names = "--base-port", defaultValue = "31000", description = "first of 4 x nodes consecutive ports") int basePort;
    @Option(names = "--profile", defaultValue = "default") String profile;
    @Option(names = "--data", description = "data directory (default: a temporary one)") Path data;

    private final List<Process> processes = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path root = data != null ? data : Files.createTempDirectory("ostraka-failover");
        StringBuilder members = new StringBuilder();
        List<String> endpoints = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            members.append(i == 1 ? "" : ",").append(i).append("=127.0.0.1:").append(port(i, 1));
            endpoints.add("127.0.0.1:" + port(i, 2));
        }
        for (int i = 1; i <= nodes; i++) {
            processes.add(null);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::killAll));
        for (int i = 1; i <= nodes; i++) {
            start(i, root, members.toString());
        }
        List<Long> millis = new ArrayList<>();
        try (OstrakaClient client = OstrakaClient.builder().endpoints(endpoints).requestTimeout(Duration.ofSeconds(30))
                .attemptTimeout(Duration.ofMillis(200)).backoff(Duration.ofMillis(2), Duration.ofMillis(20)).build()) {
            client.put("failover", "warmup");
            for (int trial = 1; trial <= trials; trial++) {
                long leader = awaitLeader(client);
                client.put("failover", "before-" + trial); // the cluster is serving
                Process victim = processes.get((int) leader - 1);
                long killed = System.nanoTime();
                victim.destroyForcibly();
                client.put("failover", "after-" + trial); // retried by the client until a new leader takes it
                long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                millis.add(elapsedMillis);
                System.out.printf("trial %2d: killed leader %d, first write after %d ms%n", trial, leader, elapsedMillis);
                victim.waitFor(10, TimeUnit.SECONDS);
                start((int) leader, root, members.toString());
                awaitAllCaughtUp(client);
            }
        } finally {
            killAll();
        }
        long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("%nfailover over %d trials (%s profile): p50 %d ms, p99 %d ms, max %d ms%n", sorted.length, profile,
                percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1]);
        return 0;
    }

    private static long percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private int port(int node, int kind) {
        return basePort + (node - 1) * 4 + kind; // 0 resp, 1 peer, 2 grpc, 3 http
    }

    private void start(int id, Path root, String members) throws IOException {
        Path dir = root.resolve("node-" + id);
        Files.createDirectories(dir);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(Arrays.asList(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "server", "--node-id", Integer.toString(id), "--data-dir", dir.toString(), "--profile", profile,
                "--resp-listen", "127.0.0.1:" + port(id, 0), "--peer-listen", "127.0.0.1:" + port(id, 1),
                "--grpc-listen", "127.0.0.1:" + port(id, 2), "--http-listen", "127.0.0.1:" + port(id, 3),
                "--initial-members", members));
        processes.set(id - 1, new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("node-" + id + ".log").toFile())).start());
    }

    private static long awaitLeader(OstrakaClient client) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            try {
                ClusterStatus s = client.status();
                if (s.leaderId() != 0) {
                    return s.leaderId();
                }
            } catch (RuntimeException e) {
                // not yet
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IllegalStateException("no leader within 30 s");
    }

    /** Waits until every member's match is the leader's last index, so the next trial starts from a healthy cluster. */
    private void awaitAllCaughtUp(OstrakaClient client) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            try {
                ClusterStatus s = client.status();
                long lagging = s.info().entrySet().stream().filter(e -> e.getKey().startsWith("peer_"))
                        .filter(e -> !e.getValue().contains("lag=0")).count();
                long peers = s.info().keySet().stream().filter(k -> k.startsWith("peer_")).count();
                if (s.leaderId() != 0 && peers == nodes && lagging == 0) {
                    return;
                }
            } catch (RuntimeException e) {
                // retry
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private void killAll() {
        for (Process p : processes) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }
}
