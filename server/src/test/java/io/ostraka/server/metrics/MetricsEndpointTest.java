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

    private Path dir;
    private TestCluster cluster;
    private long leader;
    private long follower;
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
        leader = cluster.awaitLeader(Duration.ofSeconds(60));
        follower = leader == 1 ? 2 : 1;
        OstrakaServer onLeader = cluster.server(leader);
        OstrakaServer onFollower = cluster.server(follower);
        for (int i = 0; i < PUTS_PER_NODE; i++) {
            assertThat(onFollower.kv().write(KvCommand.put(utf8("f" + i), utf8("v" + i))).get(30, TimeUnit.SECONDS)
                    .result().status()).isEqualTo(KvStatus.OK);
            assertThat(onLeader.kv().write(KvCommand.put(utf8("l" + i), utf8("v" + i))).get(30, TimeUnit.SECONDS)
                    .result().status()).isEqualTo(KvStatus.OK);
        }
        for (int i = 0; i < LINEARIZABLE_GETS; i++) {
            onLeader.kv().read(new KvOp.Get(utf8("l" + i)), ReadConsistency.LINEARIZABLE, 0).get(30, TimeUnit.SECONDS);
        }
        for (int i = 0; i < FOLLOWER_GETS; i++) {
            onFollower.kv().read(new KvOp.Get(utf8("f" + i)), ReadConsistency.FOLLOWER, 0).get(30, TimeUnit.SECONDS);
        }
        long committed = onLeader.group().status().committed();
        TestCluster.await(() -> cluster.servers().values().stream().allMatch(s -> s.group().status().applied() >= committed
                        && s.status().snapshot() != null), Duration.ofSeconds(60),
                "every node to apply everything and store a snapshot");

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (long id : cluster.servers().keySet()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + cluster.server(id).httpPort() + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            scrapes.put(id, r.body());
            contentTypes.put(id, r.headers().firstValue("Content-Type").orElse(""));
            Files.writeString(dir.resolve("metrics-node-" + id + ".txt"), r.body());
        }
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
        PrometheusText onLeader = metrics(leader);
        assertThat(onLeader.value("raft_commit_seconds_count", "group", "1"))
                .as("every write was proposed by the leader, forwarded ones too").isGreaterThanOrEqualTo(2 * PUTS_PER_NODE);
        assertThat(onLeader.value("raft_commit_seconds_sum", "group", "1")).isPositive();
        assertThat(metrics(follower).value("raft_commit_seconds_count", "group", "1")).isZero();
        assertThat(onLeader.value("raft_read_index_seconds_count", "group", "1", "level", "linearizable"))
                .isGreaterThanOrEqualTo(LINEARIZABLE_GETS);
        assertThat(metrics(follower).value("raft_read_index_seconds_count", "group", "1", "level", "follower"))
                .isGreaterThanOrEqualTo(FOLLOWER_GETS);
        for (long id : scrapes.keySet()) {
            PrometheusText m = metrics(id);
            assertThat(m.value("raft_apply_seconds_count", "group", "1")).isPositive();
            assertThat(m.value("raft_applied_entries_total", "group", "1")).isGreaterThanOrEqualTo(2 * PUTS_PER_NODE);
        }
    }

    @Test
    void kvRequestsAreCountedOnceWhereTheyArrived() {
        for (long id : new long[] {leader, follower}) {
            PrometheusText m = metrics(id);
            assertThat(m.value("kv_requests_total", "op", "put", "result", "ok")).as("puts taken by node %d", id)
                    .isEqualTo(PUTS_PER_NODE);
            assertThat(m.value("kv_request_seconds_count", "op", "put")).isEqualTo(PUTS_PER_NODE);
            assertThat(m.value("kv_request_seconds_bucket", "op", "put", "le", "+Inf")).isEqualTo(PUTS_PER_NODE);
        }
        assertThat(metrics(leader).value("kv_requests_total", "op", "get", "result", "ok")).isEqualTo(LINEARIZABLE_GETS);
        assertThat(metrics(follower).value("kv_requests_total", "op", "get", "result", "ok")).isEqualTo(FOLLOWER_GETS);
        long third = 6 - leader - follower;
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
            assertThat(m.value("wal_batch_records_count")).as("one batch size per fsync").isEqualTo(fsyncs);
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
            assertThat(m.value("raft_snapshot_seconds_count", "group", "1")).isEqualTo(m.value("raft_snapshots_taken_total", "group", "1"));
            assertThat(m.value("raft_leader_changes_total", "group", "1")).isGreaterThanOrEqualTo(1);
            assertThat(m.value("transport_messages_received_total")).isPositive();
            elections += m.value("raft_elections_total", "group", "1");
        }
        assertThat(elections).as("someone campaigned to lead").isGreaterThanOrEqualTo(1);
        assertThat(metrics(leader).value("transport_messages_sent_total")).isPositive();
        assertThat(metrics(follower).value("transport_forwards_sent_total")).isGreaterThanOrEqualTo(PUTS_PER_NODE);
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
