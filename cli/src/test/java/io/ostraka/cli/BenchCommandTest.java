package io.ostraka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.server.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ostraka bench} against real servers in this JVM: the warm-up reports progress like the
 * measurement (it runs the same code), the report counts only measured operations, writes land in
 * the store, and bad options are refused before any load is sent. Timings are not asserted.
 */
class BenchCommandTest {
    private static final Pattern TOTAL = Pattern.compile("(?m)^operations (\\d+) in [\\d.]+ s: \\d+ ops/s, errors (\\d+)$");
    private static final Pattern LATENCY = Pattern.compile("(?m)^latency us: p50 \\d+  p90 \\d+  p99 \\d+  p999 \\d+  max \\d+$");

    @TempDir
    Path dir;

    @Test
    void warmsUpThenMeasuresWritesAndReadsAndReportsPercentiles() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, "memory")) {
            cluster.awaitLeader(Duration.ofSeconds(60));
            String endpoints = cluster.grpcEndpoints();

            Cli.Result timed = Cli.run("bench", "-e", endpoints, "--clients", "2", "--warmup", "1s", "--duration", "1s",
                    "--keys", "1", "--read-ratio", "0.5");
            assertThat(timed.exitCode()).as(timed.toString()).isZero();
            assertThat(timed.out()).as("the warm-up reports progress too").containsPattern("(?m)^warm-up +[\\d.]+s +\\d+ ops/s");
            assertThat(timed.out()).containsPattern("(?m)^ +[\\d.]+s +\\d+ ops/s  p50");
            assertThat(timed.out()).contains("clients 2, value 100 B, keys 1, reads 50% (linearizable)");
            Matcher total = TOTAL.matcher(timed.out());
            assertThat(total.find()).as(timed.out()).isTrue();
            assertThat(Long.parseLong(total.group(1))).isPositive();
            assertThat(total.group(2)).isEqualTo("0");
            assertThat(LATENCY.matcher(timed.out()).find()).as(timed.out()).isTrue();

            // With --keys 1 every write went to bench-0: it holds a value of --value-size bytes.
            Cli.Result get = Cli.run("get", "-e", endpoints, "bench-0");
            assertThat(get.exitCode()).as(get.toString()).isZero();

            Cli.Result counted = Cli.run("bench", "-e", endpoints, "--clients", "3", "--warmup", "0s", "--ops", "150",
                    "--value-size", "10");
            assertThat(counted.exitCode()).as(counted.toString()).isZero();
            assertThat(counted.out()).doesNotContain("warm-up");
            Matcher ops = TOTAL.matcher(counted.out());
            assertThat(ops.find()).as(counted.out()).isTrue();
            // Each client stops once 150 are done; the ones in flight then complete too.
            assertThat(Long.parseLong(ops.group(1))).isBetween(150L, 152L);
        }
    }

    @Test
    void refusesBadOptionsBeforeSendingAnything() {
        Cli.Result clients = Cli.run("bench", "-e", "127.0.0.1:1", "--clients", "0");
        assertThat(clients.exitCode()).isEqualTo(2);
        assertThat(clients.err()).contains("--clients");
        Cli.Result ratio = Cli.run("bench", "-e", "127.0.0.1:1", "--read-ratio", "1.5");
        assertThat(ratio.exitCode()).isEqualTo(2);
        assertThat(ratio.err()).contains("--read-ratio");
    }
}
