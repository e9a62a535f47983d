package io.ostraka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.server.resp.TinyRespClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that joins a cluster holding a million keys catches up through InstallSnapshot: three
 * RocksDB server processes are loaded with 1,000,000 small keys (pipelined RESP MSETs of 1,000
 * keys, one Raft entry each), every node takes a snapshot ({@code ostraka snapshot}) and compacts
 * its log, so the entries that wrote the keys exist nowhere any more. A fourth node started with
 * {@code --join} must then receive a snapshot — its log starts after it, and it says it restored
 * its state machine from one — and serve the same data: DBSIZE and a sample of keys, read on the
 * new node at linearizable and at follower consistency.
 */
class SnapshotCatchUpProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int KEYS = 1_000_000;
    private static final int KEYS_PER_MSET = 1_000;

    @TempDir
    Path dir;

    private final long startNanos = System.nanoTime();

    private void step(String what) {
        System.out.printf("==== %.1f s: %s%n", (System.nanoTime() - startNanos) / 1e9, what);
    }

    static String key(int i) {
        return String.format("key:%07d", i);
    }

    static String value(int i) {
        return Integer.toString(i, 36);
    }

    @Test
    void aNewNodeCatchesUpFromASnapshotOfAMillionKeysAndServesConsistentReads() throws Exception {
        try (ProcessCluster c = new ProcessCluster(dir, 3, List.of("-Xmx256m"), "--storage", "rocksdb", "--trailing-entries", "16")) {
            long leader = c.awaitLeader(WAIT);
            step("loading " + KEYS + " keys through node " + leader);
            try (RespPipeline load = new RespPipeline(c.ports.get(leader).resp(), 60_000)) {
                load.run(KEYS / KEYS_PER_MSET, 8, batch -> {
                    String[] command = new String[1 + 2 * KEYS_PER_MSET];
                    command[0] = "MSET";
                    for (int j = 0; j < KEYS_PER_MSET; j++) {
                        int i = batch * KEYS_PER_MSET + j;
                        command[1 + 2 * j] = key(i);
                        command[2 + 2 * j] = value(i);
                    }
                    return command;
                });
            }

            step("snapshots");
            for (long id : c.ports.keySet()) {
                Cli.Result snapshot = Cli.run("snapshot", "-e", c.grpcAddress(id));
                assertThat(snapshot.exitCode()).as(snapshot::toString).isZero();
                assertThat(snapshot.out()).containsPattern("snapshot at index \\d+");
            }
            long firstBatchIndex = KEYS / KEYS_PER_MSET / 2; // well inside the load: the log must start past it
            for (long id : c.ports.keySet()) {
                ProcessCluster.await(() -> c.statusNumber(id, "first_index") > firstBatchIndex, WAIT,
                        "node " + id + " to compact its log past index " + firstBatchIndex);
            }

            step("node 4 joins");
            c.reserve(4);
            c.join(4, 2);
            long committed = c.awaitStatusNumber(c.awaitLeader(WAIT), "commit_index", WAIT);
            ProcessCluster.await(() -> c.statusNumber(4, "applied_index") >= committed, WAIT,
                    "node 4 to apply up to index " + committed);
            ProcessCluster.await(() -> {
                String voters = c.statusInfo(4) == null ? "" : c.statusInfo(4).getOrDefault("voters", "");
                return voters.contains("4");
            }, WAIT, "node 4 to promote itself");
            step("node 4 caught up");
            assertThat(c.statusNumber(4, "first_index")).as("node 4's log starts after the snapshot it received")
                    .isGreaterThan(firstBatchIndex);
            assertThat(Files.readString(dir.resolve("node-4.log"))).contains("restored state machine from snapshot");

            for (String consistency : List.of("linearizable", "follower")) {
                try (TinyRespClient client = new TinyRespClient(c.ports.get(4L).resp(), 30_000)) {
                    assertThat(client.call("OSTRAKA.CONSISTENCY", consistency)).isEqualTo("OK");
                    assertThat(client.call("DBSIZE")).as("DBSIZE on node 4 at %s", consistency).isEqualTo((long) KEYS);
                    SplittableRandom random = new SplittableRandom(consistency.hashCode());
                    for (int n = 0; n < 200; n++) {
                        int i = n == 0 ? 0 : n == 1 ? KEYS - 1 : random.nextInt(KEYS);
                        assertThat(client.call("GET", key(i))).as("%s on node 4 at %s", key(i), consistency).isEqualTo(value(i));
                    }
                    assertThat(client.call("GET", key(KEYS))).isNull();
                }
            }
            step("done");
        }
    }
}
