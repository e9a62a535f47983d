package io.ostraka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.sim.history.History;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on the leader of three real server processes while clients write and read through
 * every node (docs/operations.md: "SIGTERM stops a node gracefully: it stops taking requests,
 * hands leadership to the most up-to-date follower if it leads, and exits 0"). The process exits
 * 0, having handed leadership over; the cluster keeps serving; the stopped node restarts on its
 * data and rejoins; the clients' history is linearizable, so no acknowledged write was lost.
 */
class GracefulShutdownProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void sigtermOnTheLeaderUnderLoadExitsZeroHandsLeadershipOverAndLosesNothing() throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(dir, 3, "--storage", "rocksdb")) {
            long leader = cluster.awaitLeader(WAIT);
            RespWorkload workload = new RespWorkload(cluster, new ArrayList<>(cluster.ports.keySet()), 4).start();
            workload.awaitAcknowledged(40, WAIT, "a first batch of operations");

            int exitStatus = cluster.terminate(leader, Duration.ofSeconds(30));
            assertThat(exitStatus).as(() -> "exit status of the SIGTERMed leader " + leader + "\n" + RespWorkload.logsOf(cluster)).isZero();
            assertThat(Files.readString(dir.resolve("node-" + leader + ".log")))
                    .as("the leader's log says it handed leadership over before exiting")
                    .contains("handed leadership to node");
            long next = cluster.awaitLeader(WAIT);
            assertThat(next).isNotEqualTo(leader);
            workload.awaitAcknowledged(30, WAIT, "progress under the new leader");

            cluster.start(leader);
            long committed = cluster.awaitStatusNumber(next, "commit_index", WAIT);
            ProcessCluster.await(() -> cluster.statusNumber(leader, "applied_index") >= committed, WAIT,
                    "the restarted node " + leader + " to apply up to index " + committed);
            workload.awaitAcknowledged(30, WAIT, "progress after the restart");

            History h = workload.stopAndCheck(dir.resolve("history.jsonl"), next);
            assertThat(h.operations().size()).isGreaterThan(100);
        }
    }
}
