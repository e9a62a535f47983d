package io.ostraka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.server.TestCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ostraka status} against real servers (in this JVM): a table with one row per member —
 * its role, term, indexes, lag as the leader sees it and health — exit 0 with a leader; a stopped
 * member shows as unreachable while the rest carry on; and with quorum lost, so that no leader is
 * known, the command says so and exits 1.
 */
class StatusCommandTest {
    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {}

    /** Runs the command in this JVM with its output captured (the commands print to System.out/err). */
    private static Run ostraka(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Run(code, capturedOut.toString(StandardCharsets.UTF_8), capturedErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /**
     * The table's rows, split into columns; the header and everything after the blank line left
     * out. The servers' log lines share this JVM's System.out, so the table is found by its header
     * (it is printed in one call, so log lines cannot land inside it).
     */
    private static List<String[]> rows(String out) {
        List<String[]> rows = new ArrayList<>();
        String[] lines = out.split("\n");
        int header = 0;
        while (header < lines.length && !lines[header].startsWith("ID ")) {
            header++;
        }
        assertThat(header).as("a table header in:%n%s", out).isLessThan(lines.length);
        assertThat(lines[header].trim().split("\\s+"))
                .containsExactly("ID", "ADDRESS", "ROLE", "TERM", "COMMIT", "APPLIED", "LAG", "HEALTH");
        for (int i = header + 1; i < lines.length && !lines[i].isBlank(); i++) {
            rows.add(lines[i].trim().split("\\s+"));
        }
        return rows;
    }

    @Test
    void showsEveryMemberAndExitsZeroWhenALeaderIsKnown() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, "memory")) {
            cluster.awaitLeader(Duration.ofSeconds(60));
            assertThat(ostraka("put", "-e", cluster.grpcEndpoints(), "k", "v").exitCode()).isZero();

            Run run = ostraka("status", "-e", cluster.grpcEndpoints());
            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            List<String[]> rows = rows(run.out());
            assertThat(rows).hasSize(3);
            // The leader the table names (leadership may have moved since awaitLeader on a loaded machine).
            java.util.regex.Matcher named = java.util.regex.Pattern.compile("(?m)^leader (\\d+) ").matcher(run.out());
            assertThat(named.find()).as(run.out()).isTrue();
            long leader = Long.parseLong(named.group(1));
            for (String[] row : rows) {
                long id = Long.parseLong(row[0]);
                assertThat(row[1]).isEqualTo("127.0.0.1:" + cluster.ports(id).grpc());
                assertThat(row[2]).isEqualTo(id == leader ? "leader" : "follower");
                assertThat(Long.parseLong(row[3])).isPositive();
                assertThat(Long.parseLong(row[4])).as("commit index").isGreaterThanOrEqualTo(1);
                assertThat(Long.parseLong(row[5])).as("applied index").isLessThanOrEqualTo(Long.parseLong(row[4]));
                assertThat(Long.parseLong(row[6])).as("lag").isNotNegative();
                assertThat(row[7]).isEqualTo("reachable");
            }
            assertThat(run.out()).contains("leader " + leader + " (127.0.0.1:" + cluster.ports(leader).grpc() + ")");

            long stopped = leader == 3 ? 2 : 3;
            cluster.stop(stopped);
            Run degraded = ostraka("status", "-e", cluster.grpcEndpoints(), "--timeout", "5s");
            assertThat(degraded.exitCode()).as(degraded.out() + degraded.err()).isZero();
            String[] down = rows(degraded.out()).stream().filter(r -> r[0].equals(Long.toString(stopped))).findFirst().orElseThrow();
            assertThat(down[7]).isEqualTo("unreachable");
            assertThat(down[3]).isEqualTo("-");
            assertThat(degraded.out()).contains("node " + stopped + " unreachable: UNAVAILABLE");
        }
    }

    @Test
    void exitsOneWhenNoLeaderIsKnown() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, "memory")) {
            cluster.awaitLeader(Duration.ofSeconds(60));
            long survivor = 1;
            // While all are up the survivor learns every member's client address (it asks them
            // every second). Wait for that on node 1 itself: a status command that reaches every
            // member does not show it, as the CLI's later questions go to the leader it names.
            TestCluster.await(() -> cluster.server(survivor).status().members().size() == 3
                            && cluster.server(survivor).status().members().stream()
                                    .allMatch(m -> m.addresses().get("grpc") != null),
                    Duration.ofSeconds(30), "node 1 to know every member's client address");
            cluster.stop(2);
            cluster.stop(3);
            // Check-quorum: a leader that cannot hear a majority steps down within an election timeout.
            TestCluster.await(() -> cluster.server(survivor).group().leader() == 0, Duration.ofSeconds(30),
                    "the lone node to stop believing in a leader");
            Run run = ostraka("status", "-e", "127.0.0.1:" + cluster.ports(survivor).grpc(), "--timeout", "5s");
            assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
            assertThat(run.out()).contains("no leader known");
            assertThat(rows(run.out())).hasSize(3).filteredOn(r -> r[7].equals("unreachable")).hasSize(2);
        }
    }
}
