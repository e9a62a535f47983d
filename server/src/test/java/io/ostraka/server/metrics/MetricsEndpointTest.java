package io.ostraka.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.KvStatus;
import io.ostraka.kv.ReadConsistency;
import io.ostraka.server.OstrakaServer;
import io.ostraka.server.TestCluster;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of a real three-node cluster (one JVM, real sockets, RocksDB) after writes
 * through a follower and the leader, linearizable and follower reads, and automatic snapshots:
 * every node's scrape is well-formed text format (the strict {@link PrometheusText} parser, and
 * {@code promtool check metrics} where it is installed), and the metrics DESIGN.md names are there
 * with values that match what the test did — the leader reports role 2, every request is counted
 * once at the node that took it, commits are timed on the leader, reads at their level.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsEndpointTest {
    private static final int PUTS_PER_NODE = 30;
    private static final int LINEARIZABLE_GETS = 20;
    private static final int FOLLOWER_GETS = 10;
    /** Where the scrapes are kept (surefire runs in the module directory). */
    static final Path SAMPLES = Path.of("target", "metrics-samples");

    private Path dir;
    private TestCluster cluster;
    /** The nodes the writes and reads were sent to: the leader and a follower when the test began. */
    private long nodeA;
    private long nodeB;
    /** The leader when the scrapes were taken (a loaded machine may have moved leadership since A). */
    private long leader;
    private final Map<Long, String> scrapes = new TreeMap<>();
    private final Map<Long, PrometheusText> parsed = new TreeMap<>();
    private final Map<Long, String> contentTypes = new TreeMap<>();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @BeforeAll
    void startAClusterAndUseIt(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        cluster = TestCluster.start(dir, 3, "rocksdb", "--snapshot-entries", "20", "--trailing-entries", "5");
        nodeA = cluster.awaitLeader(Duration.ofSeconds(60));
        nodeB = nodeA == 1 ? 2 : 1;
        OstrakaServer onA = cluster.server(nodeA);
        OstrakaServer onB = cluster.server(nodeB);
        for (int i = 0; i < PUTS_PER_NODE; i++) {
            assertThat(onB.kv().write(KvCommand.put(utf8("b" + i), utf8("v" + i))).get(30, TimeUnit.SECONDS)
                    .result().status()).isEqualTo(KvStatus.OK);
            assertThat(onA.kv().write(KvCommand.put(utf8("a" + i), utf8("v" + i))).get(30, TimeUnit.SECONDS)
                    .result().status()).isEqualTo(KvStatus.OK);
        }
        for (int i = 0; i < LINEARIZABLE_GETS; i++) {
            onA.kv().read(new KvOp.Get(utf8("a" + i)), ReadConsistency.LINEARIZABLE, 0).get(30, TimeUnit.SECONDS);
        }
        for (int i = 0; i < FOLLOWER_GETS; i++) {
            onB.kv().read(new KvOp.Get(utf8("b" + i)), ReadConsistency.FOLLOWER, 0).get(30, TimeUnit.SECONDS);
        }
        TestCluster.await(() -> {
            long committed = cluster.servers().values().stream().mapToLong(x -> x.group().status().committed()).max().orElseThrow();
            return cluster.servers().values().stream().allMatch(x -> x.group().status().applied() >= committed
                    && x.status().snapshot() != null);
        }, Duration.ofSeconds(60), "every node to apply everything and store a snapshot");

        // Scrape until the three scrapes agree on one leader: leadership may move between two scrapes.
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        TestCluster.await(() -> scrapeAgreeingOnALeader(http), Duration.ofSeconds(60), "three scrapes that agree on the leader");
        for (Map.Entry<Long, String> scrape : scrapes.entrySet()) {
            // Kept for .ci/run, which checks them with promtool (required there, whether or not this JVM sees it).
            Files.createDirectories(SAMPLES);
            Files.writeString(SAMPLES.resolve("node-" + scrape.getKey() + ".txt"), scrape.getValue());
        }
    }

    private boolean scrapeAgreeingOnALeader(HttpClient http) {
        scrapes.clear();
        parsed.clear();
        try {
            for (long id : cluster.servers().keySet()) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + cluster.server(id).httpPort() + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                scrapes.put(id, r.body());
                contentTypes.put(id, r.headers().firstValue("Content-Type").orElse(""));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        long leaders = scrapes.keySet().stream().filter(id -> metrics(id).value("raft_role", "group", "1") == 2).count();
        double named = metrics(scrapes.keySet().iterator().next()).value("raft_leader_id", "group", "1");
        boolean agree = leaders == 1 && scrapes.keySet().stream().allMatch(id -> metrics(id).value("raft_leader_id", "group", "1") == named);
        leader = (long) named;
        return agree;
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private PrometheusText metrics(long id) {
        return parsed.computeIfAbsent(id, k -> PrometheusText.parse(scrapes.get(k)));
    }

    @Test
    void everyScrapeIsWellFormedPrometheusText() {
        for (long id : scrapes.keySet()) {
            assertThat(contentTypes.get(id)).startsWith("text/plain").contains("version=0.0.4");
            PrometheusText m = metrics(id);
            assertThat(m.families()).containsKeys("raft_commit_seconds", "raft_apply_seconds", "raft_read_index_seconds",
                    "raft_elections_total", "raft_role", "raft_term", "raft_commit_index", "raft_applied_index",
                    "raft_log_bytes", "raft_snapshot_index", "raft_snapshots_taken_total", "raft_snapshot_seconds",
                    "raft_snapshot_sent_bytes_total", "raft_snapshot_received_bytes_total", "wal_fsync_seconds",
                    "wal_batch_records", "kv_requests_total", "kv_request_seconds", "transport_messages_sent_total");
            assertThat(m.family("raft_commit_seconds").type()).isEqualTo("histogram");
            assertThat(m.family("raft_elections_total").type()).isEqualTo("counter");
            assertThat(m.family("raft_role").type()).isEqualTo("gauge");
            assertThat(m.families().values()).allSatisfy(f -> assertThat(f.help()).as(f.name()).isNotBlank());
        }
    }

    @Test
    void raftGaugesDescribeTheCluster() {
        long term = (long) metrics(leader).value("raft_term", "group", "1");
        assertThat(term).isPositive();
        for (long id : scrapes.keySet()) {
            PrometheusText m = metrics(id);
            assertThat(m.value("raft_role", "group", "1")).as("role of node %d", id).isEqualTo(id == leader ? 2 : 0);
            assertThat(m.value("raft_leader_id", "group", "1")).isEqualTo(leader);
            assertThat((long) m.value("raft_term", "group", "1")).isEqualTo(term);
            assertThat(m.value("raft_commit_index", "group", "1")).isGreaterThanOrEqualTo(2 * PUTS_PER_NODE);
            assertThat(m.value("raft_applied_index", "group", "1")).isGreaterThanOrEqualTo(2 * PUTS_PER_NODE);
            assertThat(m.value("raft_last_index", "group", "1")).isGreaterThanOrEqualTo(m.value("raft_commit_index", "group", "1"));
            assertThat(m.value("raft_first_index", "group", "1")).as("compacted behind a snapshot").isGreaterThan(1);
            assertThat(m.value("raft_voters", "group", "1")).isEqualTo(3);
            assertThat(m.value("raft_group_failed", "group", "1")).isZero();
        }
    }

    @Test
    void commitsAreTimedOnTheLeaderAndReadsAtTheirLevel() {
        double commits = scrapes.keySet().stream().mapToDouble(id -> metrics(id).value("raft_commit_seconds_count", "group", "1")).sum();
        assertThat(commits).as("every write was committed once, by the leader that proposed it (forwarded ones too)")
                .isGreaterThanOrEqualTo(2 * PUTS_PER_NODE);
        assertThat(scrapes.keySet().stream().mapToDouble(id -> metrics(id).value("raft_commit_seconds_sum", "group", "1")).sum())
                .isPositive();
        assertThat(metrics(nodeA).value("raft_read_index_seconds_count", "group", "1", "level", "linearizable"))
                .isGreaterThanOrEqualTo(LINEARIZABLE_GETS);
        assertThat(metrics(nodeB).value("raft_read_index_seconds_count", "group", "1", "level", "follower"))
                .isGreaterThanOrEqualTo(FOLLOWER_GETS);
        for (long id : scrapes.keySet()) {
            PrometheusText m = metrics(id);
            assertThat(m.value("raft_apply_seconds_count", "group", "1")).isPositive();
            assertThat(m.value("raft_applied_entries_total", "group", "1")).isGreaterThanOrEqualTo(2 * PUTS_PER_NODE);
        }
    }

    @Test
    void kvRequestsAreCountedOnceWhereTheyArrived() {
        for (long id : new long[] {nodeA, nodeB}) {
            PrometheusText m = metrics(id);
            assertThat(m.value("kv_requests_total", "op", "put", "result", "ok")).as("puts taken by node %d", id)
                    .isEqualTo(PUTS_PER_NODE);
            assertThat(m.value("kv_request_seconds_count", "op", "put")).isEqualTo(PUTS_PER_NODE);
            assertThat(m.value("kv_request_seconds_bucket", "op", "put", "le", "+Inf")).isEqualTo(PUTS_PER_NODE);
        }
        assertThat(metrics(nodeA).value("kv_requests_total", "op", "get", "result", "ok")).isEqualTo(LINEARIZABLE_GETS);
        assertThat(metrics(nodeB).value("kv_requests_total", "op", "get", "result", "ok")).isEqualTo(FOLLOWER_GETS);
        long third = 6 - nodeA - nodeB;
        assertThat(metrics(third).value("kv_requests_total", "op", "put", "result", "ok")).as("node %d took no requests", third)
                .isZero();
        assertThat(metrics(third).sum("kv_requests_total")).isZero();
    }

    @Test
    void theLogReportsFsyncsBatchesAndSize() {
        for (long id : scrapes.keySet()) {
            PrometheusText m = metrics(id);
            double fsyncs = m.value("wal_fsync_seconds_count");
            assertThat(fsyncs).isPositive();
            // One batch size per fsync. A scrape reads the metrics one after another, not as one
            // snapshot, and the log may finish a write in between (a CI run saw 65 against 64).
            assertThat(m.value("wal_batch_records_count")).as("one batch size per fsync").isBetween(fsyncs - 1, fsyncs + 1);
            assertThat(m.value("wal_batch_records_sum")).isGreaterThanOrEqualTo(fsyncs);
            assertThat(m.value("wal_written_bytes_total")).isPositive();
            assertThat(m.value("raft_log_bytes")).isPositive();
            assertThat(m.value("wal_segment_file_bytes")).isGreaterThanOrEqualTo(m.value("raft_log_bytes"));
            assertThat(m.value("kv_disk_bytes")).as("RocksDB files").isPositive();
        }
    }

    @Test
    void snapshotsElectionsAndTransportAreCounted() {
        double elections = 0;
        for (long id : scrapes.keySet()) {
            PrometheusText m = metrics(id);
            assertThat(m.value("raft_snapshot_index", "group", "1")).isGreaterThanOrEqualTo(20);
            assertThat(m.value("raft_snapshot_bytes", "group", "1")).isPositive();
            assertThat(m.value("raft_snapshots_taken_total", "group", "1")).isGreaterThanOrEqualTo(1);
            double taken = m.value("raft_snapshots_taken_total", "group", "1");
            assertThat(m.value("raft_snapshot_seconds_count", "group", "1")).as("one duration per snapshot (read apart, as above)")
                    .isBetween(taken - 1, taken + 1);
            assertThat(m.value("raft_leader_changes_total", "group", "1")).isGreaterThanOrEqualTo(1);
            assertThat(m.value("transport_messages_received_total")).isPositive();
            elections += m.value("raft_elections_total", "group", "1");
        }
        assertThat(elections).as("someone campaigned to lead").isGreaterThanOrEqualTo(1);
        assertThat(scrapes.keySet()).allSatisfy(id -> assertThat(metrics(id).value("transport_messages_sent_total")).isPositive());
    }

    /** Prometheus's own parser and linter, where installed (.ci/run installs it). */
    @Test
    void promtoolAcceptsEveryScrape() throws Exception {
        String promtool = onPath("promtool");
        assumeTrue(promtool != null, "promtool is not installed (Debian package prometheus)");
        for (Map.Entry<Long, String> scrape : scrapes.entrySet()) {
            Process p = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(scrape.getValue().getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("promtool check metrics on node %d said:%n%s", scrape.getKey(), output).isZero();
        }
    }

    static String onPath(String program) throws IOException {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
