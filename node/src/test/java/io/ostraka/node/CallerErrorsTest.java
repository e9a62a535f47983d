package io.ostraka.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a caller is told: a read query that throws an Error, a membership change refused while another is pending. */
class CallerErrorsTest {
    @TempDir
    Path dir;

    /**
     * An Error from the caller's query is the caller's: it fails that read. (It used to escape to
     * the loop's guard, which stopped the whole group, and the read, already taken off the queue,
     * was never answered.)
     */
    @Test
    void aReadQueryThatThrowsAnErrorFailsItsCallerAndLeavesTheGroupRunning() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, false, 1, o -> o)) {
            RaftGroup g = c.group(c.awaitLeader());
            g.propose(CounterMachine.add(1)).get(10, TimeUnit.SECONDS);

            CompletableFuture<Long> bad = g.read(ReadLevel.STALE, 0, sm -> {
                throw new AssertionError("query bug");
            });
            NodeCluster.await(() -> bad.isDone() || g.failure() != null, "the read to end or the group to stop");

            org.assertj.core.api.SoftAssertions.assertSoftly(soft -> {
                soft.assertThat(bad.isDone()).as("the caller's future is completed").isTrue();
                soft.assertThat(g.failure()).as("a caller's query error stopped the group").isNull();
            });
        }
    }

    /**
     * The core refuses a second membership change while one is uncommitted (CONF_CHANGE_PENDING):
     * a transient condition, so not INVALID_REQUEST ("retrying will not help", never retried by
     * the client). The same request, retried once the first change commits, succeeds.
     */
    @Test
    void aConfChangeRefusedBecauseAnotherIsPendingIsReportedAsRetryable() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, false, 1, o -> o)) {
            RaftGroup g = c.group(c.awaitLeader());
            g.propose(CounterMachine.add(1)).get(10, TimeUnit.SECONDS);

            // Voters {1, 2}: cannot commit until node 2 exists, so it stays pending.
            CompletableFuture<Long> first = g.addMember(MemberInfo.ofPeer(2, "node-2"));
            CompletableFuture<Long> second = g.addLearner(MemberInfo.ofPeer(3, "node-3"));
            Throwable refusal = second.handle((v, e) -> e).get(10, TimeUnit.SECONDS);
            assertThat(refusal).as("the second change is refused while the first is pending").isNotNull();
            OstrakaException error = (OstrakaException) (refusal instanceof CompletionException ? refusal.getCause() : refusal);
            assertThat(error.getMessage()).contains("not committed yet");

            c.start(2, false); // the first change can commit now
            first.get(20, TimeUnit.SECONDS);
            long retried = g.addLearner(MemberInfo.ofPeer(3, "node-3")).get(20, TimeUnit.SECONDS);
            assertThat(retried).as("the same change, retried later, succeeds").isPositive();

            assertThat(error.code()).as("code of a refusal that a retry later turned into success: " + error.getMessage())
                    .isNotEqualTo(ErrorCode.INVALID_REQUEST);
        }
    }
}
