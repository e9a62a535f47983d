package io.ostraka.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code redis-cli} and {@code redis-benchmark} (Debian package redis-tools, installed by
 * .ci/run) against a real three-process cluster: write on one node, read on another, and a short
 * benchmark run must finish without errors.
 */
class RedisClusterCompatibilityTest {
    @TempDir
    Path dir;

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (java.nio.file.Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + List.of(command));
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    @Test
    void redisCliAndRedisBenchmarkWorkAgainstAThreeNodeCluster() throws Exception {
        assumeTrue(onPath("redis-cli") && onPath("redis-benchmark"), "redis-tools is not installed (.ci/run installs it)");
        try (ProcessCluster cluster = new ProcessCluster(dir, 3)) {
            long leader = cluster.awaitLeader(Duration.ofSeconds(60));
            long follower = leader == 1 ? 2 : 1;
            String leaderPort = Integer.toString(cluster.ports.get(leader).resp());
            String followerPort = Integer.toString(cluster.ports.get(follower).resp());

            assertThat(run("redis-cli", "-p", followerPort, "SET", "city", "Athens")).isEqualTo("OK");
            assertThat(run("redis-cli", "-p", leaderPort, "GET", "city")).isEqualTo("Athens");
            assertThat(run("redis-cli", "-p", followerPort, "INCRBY", "votes", "7")).isEqualTo("7");
            assertThat(run("redis-cli", "-p", leaderPort, "DEL", "city")).isEqualTo("1");
            assertThat(run("redis-cli", "-p", followerPort, "EXISTS", "city")).isEqualTo("0");
            assertThat(run("redis-cli", "-p", leaderPort, "INFO", "raft")).contains("role:leader");

            List<String> bench = new ArrayList<>(List.of("redis-benchmark", "-p", leaderPort, "-t", "set,get",
                    "-n", "4000", "-c", "8", "-d", "100", "-q"));
            String out = run(bench.toArray(new String[0]));
            assertThat(out).as(out).contains("SET:").contains("GET:").doesNotContainIgnoringCase("error");
        }
    }
}
