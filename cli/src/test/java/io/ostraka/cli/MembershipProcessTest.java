package io.ostraka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.server.resp.TinyRespClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operating a cluster of real server processes with the {@code ostraka} command, as an operator
 * would (docs/operations.md), checking {@code member list} after every change:
 * <ol>
 *   <li>node 1 bootstraps alone; node 2 joins through it and node 3 through node 2 (a follower,
 *       so the join follows a redirect); both are promoted by themselves, and node 3 serves
 *       linearizable and follower reads that see the latest write;</li>
 *   <li>{@code member add-learner 4}, node 4 started (it stays a learner), paused while 1,500
 *       writes happen: {@code member promote 4} is refused with how far behind it is; resumed, it
 *       catches up and the promotion goes through;</li>
 *   <li>{@code member add 5} (a voter in one step), then node 5 started;</li>
 *   <li>{@code member remove} of a follower, then of the leader while clients write and read: the
 *       leader hands over, the cluster keeps serving, and the clients' history is linearizable;</li>
 *   <li>{@code leader transfer --to ID} and {@code leader transfer}, then {@code snapshot}.</li>
 * </ol>
 */
class MembershipProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final long startNanos = System.nanoTime();

    /** Marks a phase in the test output, with the time since the start (for reading a slow run). */
    private void step(String what) {
        System.out.printf("==== %.1f s: %s%n", (System.nanoTime() - startNanos) / 1e9, what);
    }

    @Test
    void joinGrowShrinkAndMoveLeadershipWithTheCli() throws Exception {
        try (ProcessCluster c = new ProcessCluster(dir, 1, "--storage", "rocksdb")) {
            c.awaitLeader(WAIT);
            assertThat(resp(c, 1, "SET", "before-join", "1")).isEqualTo("OK");

            step("joining");
            // 1. Join: through the leader, then through a follower.
            c.reserve(2);
            c.reserve(3);
            c.join(2, 1);
            awaitMembers(c, Map.of(1L, "voter", 2L, "voter"), "node 2 to join and promote itself");
            c.join(3, 2);
            awaitMembers(c, Map.of(1L, "voter", 2L, "voter", 3L, "voter"), "node 3 to join through node 2 and promote itself");
            for (long id = 2; id <= 3; id++) {
                // The joiner logs its promotion after the answer, which may come after the list shows it.
                Path log = dir.resolve("node-" + id + ".log");
                ProcessCluster.await(() -> readQuietly(log).contains("was promoted to voter"), WAIT, "node " + id + " to log its promotion");
                assertThat(readQuietly(log)).contains("node " + id + " was added as a learner");
            }
            assertThat(resp(c, 1, "SET", "after-join", "2")).isEqualTo("OK");
            assertThat(read(c, 3, "linearizable", "after-join")).isEqualTo("2");
            assertThat(read(c, 3, "follower", "after-join")).isEqualTo("2");
            assertThat(read(c, 3, "follower", "before-join")).isEqualTo("1");
            assertThat(resp(c, 3, "SET", "via-3", "3")).isEqualTo("OK"); // forwarded to the leader
            assertThat(read(c, 2, "linearizable", "via-3")).isEqualTo("3");

            step("learner");
            // 2. A learner added by the operator; promotion refused while it is far behind.
            c.reserve(4);
            Cli.Result added = ok(Cli.run("member", "add-learner", "4", c.peerAddress(4), "--client-address", c.grpcAddress(4),
                    "-e", c.endpoints()));
            assertThat(Cli.members(added.out())).containsEntry(4L, "learner");
            awaitMembers(c, Map.of(1L, "voter", 2L, "voter", 3L, "voter", 4L, "learner"), "node 4 listed as a learner");
            c.join(4, 3);
            awaitCaughtUp(c, 4);
            step("learner paused");
            c.signal(4, "STOP");
            long leader = leaderOf(c);
            try (RespPipeline writes = new RespPipeline(c.ports.get(leader).resp(), 30_000)) {
                writes.run(1_500, 64, i -> new String[] {"SET", "bulk-" + (i % 100), Integer.toString(i)});
            }
            Cli.Result refused = Cli.run("member", "promote", "4", "-e", c.endpoints());
            assertThat(refused.exitCode()).as(refused::toString).isEqualTo(1);
            Matcher behind = Pattern.compile("learner 4 is (\\d+) entries behind the leader").matcher(refused.err());
            assertThat(behind.find()).as(refused::toString).isTrue();
            assertThat(Long.parseLong(behind.group(1))).isGreaterThan(1_000); // the refusal threshold
            awaitMembers(c, Map.of(1L, "voter", 2L, "voter", 3L, "voter", 4L, "learner"), "node 4 still a learner");
            step("learner resumed");
            c.signal(4, "CONT");
            ProcessCluster.await(() -> {
                Cli.Result promote = Cli.run("member", "promote", "4", "-e", c.endpoints());
                // "not a learner": an earlier attempt whose answer timed out went through after all
                return promote.exitCode() == 0 || promote.err().contains("is not a learner");
            }, WAIT, "node 4 to catch up and be promoted");
            awaitMembers(c, Map.of(1L, "voter", 2L, "voter", 3L, "voter", 4L, "voter"), "node 4 listed as a voter");
            assertThat(read(c, 4, "follower", "bulk-99")).isEqualTo("1499");

            step("add voter");
            // 3. A voter in one step, started afterwards.
            c.reserve(5);
            Cli.Result voter = ok(Cli.run("member", "add", "5", c.peerAddress(5), "--client-address", c.grpcAddress(5), "-e", c.endpoints()));
            assertThat(Cli.members(voter.out())).containsEntry(5L, "voter");
            c.join(5, 1);
            awaitCaughtUp(c, 5);
            assertThat(read(c, 5, "linearizable", "via-3")).isEqualTo("3");
            awaitMembers(c, Map.of(1L, "voter", 2L, "voter", 3L, "voter", 4L, "voter", 5L, "voter"), "node 5 listed as a voter");

            step("remove follower");
            // 4a. Remove a follower.
            leader = leaderOf(c);
            long follower = leader == 2 ? 3 : 2;
            Cli.Result removed = ok(Cli.run("member", "remove", Long.toString(follower), "-e", c.endpoints()));
            assertThat(removed.out()).contains("node " + follower + " removed");
            TreeMap<Long, String> expected = new TreeMap<>(Map.of(1L, "voter", 2L, "voter", 3L, "voter", 4L, "voter", 5L, "voter"));
            expected.remove(follower);
            awaitMembers(c, expected, "node " + follower + " gone from the member list");
            c.kill(follower);

            step("remove leader");
            // 4b. Remove the leader while clients write and read through the other members.
            long oldLeader = leaderOf(c);
            expected.remove(oldLeader);
            List<Long> others = new ArrayList<>(expected.keySet());
            RespWorkload workload = new RespWorkload(c, others, 3).start();
            workload.awaitAcknowledged(20, WAIT, "the workload to start");
            Cli.Result leaderRemoved = ok(Cli.run("member", "remove", Long.toString(oldLeader), "-e", c.endpoints()));
            assertThat(leaderRemoved.out()).contains("node " + oldLeader + " removed");
            awaitMembers(c, expected, "the old leader " + oldLeader + " gone from the member list");
            step("old leader removed");
            c.kill(oldLeader);
            long newLeader = c.awaitLeader(WAIT);
            assertThat(newLeader).isIn(others);
            workload.awaitAcknowledged(30, WAIT, "the cluster to keep serving without its old leader");
            workload.stopAndCheck(dir.resolve("history.jsonl"), newLeader);

            step("transfers");
            // 5. Move leadership to a chosen voter, then to whichever is most up to date.
            long current = leaderOf(c);
            long target = others.stream().filter(id -> id != current).findFirst().orElseThrow();
            Cli.Result transfer = ok(Cli.run("leader", "transfer", "--to", Long.toString(target), "-e", c.endpoints()));
            assertThat(transfer.out()).contains("node " + target + " leads term");
            ProcessCluster.await(() -> memberList(c).getOrDefault(target, "").equals("leader"), WAIT, "member list to show node " + target + " leading");
            Cli.Result anyTransfer = ok(Cli.run("leader", "transfer", "-e", c.endpoints()));
            Matcher to = Pattern.compile("node (\\d+) leads term").matcher(anyTransfer.out());
            assertThat(to.find()).as(anyTransfer::toString).isTrue();
            long chosen = Long.parseLong(to.group(1));
            assertThat(chosen).isNotEqualTo(target).isIn(others);
            ProcessCluster.await(() -> memberList(c).getOrDefault(chosen, "").equals("leader"), WAIT, "member list to show node " + chosen + " leading");
            assertThat(resp(c, others.get(0), "SET", "after-transfers", "4")).isEqualTo("OK");

            step("snapshot");
            Cli.Result snapshot = ok(Cli.run("snapshot", "-e", c.grpcAddress(target)));
            assertThat(snapshot.out()).containsPattern("snapshot at index \\d+, term \\d+");
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static Cli.Result ok(Cli.Result r) {
        assertThat(r.exitCode()).as(r::toString).isZero();
        return r;
    }

    /** {@code member list} through the running nodes: id → leader / voter / learner; empty if the command failed. */
    private static TreeMap<Long, String> memberList(ProcessCluster c) {
        Cli.Result r = Cli.run("member", "list", "-e", c.endpoints());
        return r.exitCode() == 0 ? Cli.members(r.out()) : new TreeMap<>();
    }

    /** Waits until {@code member list} shows exactly these members ("voter" also matches the leader). */
    private static void awaitMembers(ProcessCluster c, Map<Long, String> expected, String what) {
        TreeMap<Long, String> want = new TreeMap<>(expected);
        ProcessCluster.await(() -> {
            TreeMap<Long, String> listed = memberList(c);
            listed.replaceAll((id, role) -> role.equals("leader") ? "voter" : role);
            return listed.equals(want);
        }, WAIT, what + ": member list showing " + want);
    }

    /** The leader named by {@code member list} (waiting until one is named). */
    private static long leaderOf(ProcessCluster c) {
        long[] leader = new long[1];
        ProcessCluster.await(() -> {
            memberList(c).forEach((id, role) -> {
                if (role.equals("leader")) {
                    leader[0] = id;
                }
            });
            return leader[0] != 0;
        }, WAIT, "member list to name a leader");
        return leader[0];
    }

    /** Waits until node {@code id} has applied what the leader had committed when this was called. */
    private static void awaitCaughtUp(ProcessCluster c, long id) {
        long leader = c.awaitLeader(WAIT);
        long committed = c.awaitStatusNumber(leader, "commit_index", WAIT);
        ProcessCluster.await(() -> c.statusNumber(id, "applied_index") >= committed, WAIT,
                "node " + id + " to apply up to index " + committed);
    }

    private static Object resp(ProcessCluster c, long node, String... command) throws IOException {
        try (TinyRespClient client = new TinyRespClient(c.ports.get(node).resp(), 10_000)) {
            return client.call(command);
        }
    }

    /** GET at a read consistency level, on one node. */
    private static Object read(ProcessCluster c, long node, String consistency, String key) throws IOException {
        try (TinyRespClient client = new TinyRespClient(c.ports.get(node).resp(), 10_000)) {
            assertThat(client.call("OSTRAKA.CONSISTENCY", consistency)).isEqualTo("OK");
            return client.call("GET", key);
        }
    }
}
