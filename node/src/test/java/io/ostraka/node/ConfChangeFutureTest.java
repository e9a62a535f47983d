package io.ostraka.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The futures of membership changes proposed on a leader that is then cut off and deposed. The
 * request timeout is an hour, so that nothing but the entries that replace ours can answer them.
 */
class ConfChangeFutureTest {
    @TempDir
    Path dir;

    private static long leaderOtherThan(NodeCluster c, long not) {
        for (long id : c.nodes.keySet()) {
            if (id != not && c.group(id).isLeader()) {
                return id;
            }
        }
        return 0;
    }

    @Test
    void aConfChangeWhoseIndexAnotherLeadersConfChangeTookFailsInsteadOfSucceeding() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, false, 3, o -> o.withRequestTimeout(Duration.ofHours(1)))) {
            long old = c.awaitLeader();
            long base = c.group(old).propose(CounterMachine.add(1)).get(10, TimeUnit.SECONDS).index();
            c.network.down.add(old);
            // On the old leader only: five commands at base+1..base+5, then ours at base+6.
            java.util.List<CompletableFuture<Applied>> lost = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                lost.add(c.group(old).propose(CounterMachine.add(100)));
            }
            CompletableFuture<Long> ours = c.group(old).addLearner(MemberInfo.ofPeer(4, "node-4"));
            long[] next = new long[1];
            NodeCluster.await(() -> (next[0] = leaderOtherThan(c, old)) != 0, "a new leader");
            // The new leader fills base+1..base+5 (its empty entry and commands) and puts its own
            // configuration change at base+6, where ours is.
            long index = 0;
            while (index < base + 5) {
                index = c.group(next[0]).propose(CounterMachine.add(1)).get(10, TimeUnit.SECONDS).index();
            }
            assertThat(index).as("the new leader's log lines up with the old one's").isEqualTo(base + 5);
            long theirs = c.group(next[0]).addLearner(MemberInfo.ofPeer(5, "node-5")).get(10, TimeUnit.SECONDS);
            assertThat(theirs).isEqualTo(base + 6);

            c.network.down.remove(old);
            NodeCluster.await(() -> ours.isDone() && lost.stream().allMatch(CompletableFuture::isDone), "the deposed leader's futures");
            assertThat(lost).allMatch(CompletableFuture::isCompletedExceptionally);
            assertThat(ours).as("learner 4 was never added").isCompletedExceptionally();
            NodeCluster.await(() -> c.group(old).status().conf().learners().contains(5L), "the old leader to learn node 5");
            assertThat(c.group(old).status().conf().learners()).doesNotContain(4L);
        }
    }

    @Test
    void aConfChangeOvertakenByASnapshotFailsInsteadOfHanging() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, false, 3, o -> o.withSnapshots(1_000_000, 0)
                .withRequestTimeout(Duration.ofHours(1)))) {
            long old = c.awaitLeader();
            c.group(old).propose(CounterMachine.add(1)).get(10, TimeUnit.SECONDS);
            c.network.down.add(old);
            CompletableFuture<Applied> lost = c.group(old).propose(CounterMachine.add(100));
            CompletableFuture<Long> ours = c.group(old).addLearner(MemberInfo.ofPeer(4, "node-4"));
            long[] next = new long[1];
            NodeCluster.await(() -> (next[0] = leaderOtherThan(c, old)) != 0, "a new leader");
            for (int i = 0; i < 10; i++) {
                c.group(next[0]).propose(CounterMachine.add(1)).get(10, TimeUnit.SECONDS);
            }
            // Both remaining nodes compact past the old leader's entries: it can only catch up by snapshot.
            c.group(next[0]).triggerSnapshot().get(10, TimeUnit.SECONDS);
            long follower = 6 - old - next[0];
            c.group(follower).triggerSnapshot().get(10, TimeUnit.SECONDS);
            c.network.down.remove(old);
            NodeCluster.await(() -> c.machines.get(old).value() == 11, "the deposed leader to catch up");
            NodeCluster.await(() -> lost.isDone() && ours.isDone(), "the deposed leader's futures");
            assertThat(lost).isCompletedExceptionally();
            assertThat(ours).isCompletedExceptionally();
        }
    }
}
